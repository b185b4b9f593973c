// Deutsche Texte (Sie-Form). Gleiche Struktur wie en.ts.
import type { EmailDictionary } from "./en";

export const de: EmailDictionary = {
  common: {
    greeting: (firstName) => (firstName ? `Hallo ${firstName},` : "Guten Tag,"),
    questions: (replyTo) =>
      replyTo
        ? `Fragen? Antworten Sie einfach auf diese E-Mail oder schreiben Sie an ${replyTo}.`
        : "Fragen? Antworten Sie einfach auf diese E-Mail.",
    signature: (shopName) => `Vielen Dank,\n${shopName}`,
  },
  keys: {
    subject: (orderName) => `Ihre Schlüssel für Bestellung ${orderName}`,
    subjectPartial: (orderName) => `Ihre ersten Schlüssel für Bestellung ${orderName}`,
    preheader: (orderName) => `Ihre Schlüssel für Bestellung ${orderName} sind da.`,
    intro: (c) =>
      `Vielen Dank für Ihre Bestellung ${c.orderName} bei ${c.shopName}. Hier sind Ihre Schlüssel:`,
    introPartial: (c) =>
      `Vielen Dank für Ihre Bestellung ${c.orderName} bei ${c.shopName}. Hier sind die Schlüssel, die wir bisher liefern konnten:`,
    quantity: (n) => `Menge: ${n}`,
    keyLabel: (n) => `Schlüssel ${n}`,
    imageKeyAlt: (n, title) => `Schlüssel ${n} für ${title}`,
    imageKeyText: (filename) => `(Bild, angehängt als ${filename})`,
    imageKeyHint: "Falls das Bild nicht angezeigt wird, öffnen Sie den Anhang mit derselben Nummer.",
    missingForProduct: (missing, ordered) => `${missing} von ${ordered} folgen noch`,
    partialHeading: "Folgt noch",
    partialBody: (shopName) =>
      `Wir konnten noch nicht alles liefern. Die folgenden Artikel fehlen noch; ${shopName} meldet sich dazu bei Ihnen. Sie müssen nichts weiter tun.`,
    missingItem: (title, missing) => `${title}: ${missing} fehlen`,
    safety: "Geben Sie Ihre Schlüssel nicht weiter: Wer einen Schlüssel hat, kann ihn einlösen.",
    viewOrder: "Bestellung ansehen",
  },
  onTheWay: {
    subject: (orderName) => `Ihre Schlüssel für Bestellung ${orderName} sind unterwegs`,
    preheader: "Ihre Schlüssel brauchen etwas länger als üblich.",
    body: (c) =>
      `Vielen Dank für Ihre Bestellung ${c.orderName} bei ${c.shopName}. Ihre Schlüssel brauchen etwas länger als üblich. Wir senden sie Ihnen per E-Mail, sobald sie bereit sind; Sie müssen nichts weiter tun.`,
    checkStatus: "Bestellstatus ansehen",
  },
  alert: {
    whatHappened: "Was ist passiert",
    whatToDo: "Was zu tun ist",
    details: "Details",
    order: "Bestellung",
    reason: "Grund",
    erystaOrderId: "Erysta-Bestell-ID",
    referenceId: "Referenz-ID",
    traceId: "Trace-ID",
    openInAdmin: "Bestellung im Shopify-Admin öffnen",
    footer: (shopName) =>
      `Sie erhalten diese E-Mail, weil diese Adresse in Erysta Fulfillment für ${shopName} als Empfänger für Warnungen eingetragen ist.`,
    kinds: {
      failed_to_place: {
        subject: (o) => `Handlungsbedarf: Bestellung ${o} konnte bei Erysta nicht aufgegeben werden`,
        whatHappened: (c) =>
          `Erysta hat die Bestellung für ${c.orderName} nicht angenommen; der Kunde hat noch keine Schlüssel erhalten. Meldung von Erysta: ${c.reason}`,
        whatToDo: [
          "Öffnen Sie die Bestellung in Erysta Fulfillment, beheben Sie die oben genannte Ursache und wählen Sie „Erneut versuchen“.",
          "Wenn es weiterhin fehlschlägt, wenden Sie sich mit den Details unten an den Erysta-Support.",
        ],
      },
      needs_review: {
        subject: (o) => `Bitte prüfen: Bestellung ${o} wurde bei Erysta möglicherweise aufgegeben`,
        whatHappened: (c) =>
          `Beim Aufgeben der Bestellung für ${c.orderName} bei Erysta kam keine eindeutige Antwort (${c.reason}). Erysta hat sie möglicherweise angelegt. Damit die Schlüssel nicht doppelt gekauft werden, haben wir es nicht automatisch erneut versucht.`,
        whatToDo: [
          "Suchen Sie in Ihrem Erysta-Dashboard nach einer Bestellung mit der Referenz-ID unten.",
          "Falls es sie gibt, verknüpfen Sie sie in Erysta Fulfillment mit dieser Bestellung, damit die Schlüssel geliefert werden.",
          "Falls nicht, wählen Sie in Erysta Fulfillment „Erneut versuchen“.",
        ],
      },
      late: {
        subject: (o) => `Bestellung ${o}: Die Schlüssel brauchen länger als üblich`,
        whatHappened: (c) =>
          `Erysta hat die Schlüssel für ${c.orderName} nicht in der üblichen Zeit geliefert (${c.reason}). Wir prüfen weiterhin automatisch und liefern sie an den Kunden, sobald sie da sind.`,
        whatToDo: [
          "Im Moment ist nichts zu tun.",
          "Wenn die Schlüssel in einigen Stunden noch nicht da sind, wenden Sie sich mit der Trace-ID unten an den Erysta-Support.",
        ],
      },
      partial: {
        subject: (o) => `Bestellung ${o} wurde nur teilweise geliefert`,
        whatHappened: (c) =>
          `Erysta hat nur einen Teil der Schlüssel für ${c.orderName} geliefert (${c.reason}). Der Kunde hat die verfügbaren Schlüssel erhalten und den Hinweis, dass sich der Shop wegen des Rests meldet.`,
        whatToDo: [
          "Wenden Sie sich wegen der fehlenden Schlüssel mit der Trace-ID unten an den Erysta-Support.",
          "Oder erstatten Sie die fehlenden Artikel in Shopify und informieren Sie den Kunden.",
        ],
      },
      failed: {
        subject: (o) => `Handlungsbedarf: Erysta konnte Bestellung ${o} nicht ausführen`,
        whatHappened: (c) =>
          `Erysta hat die Bestellung für ${c.orderName} als fehlgeschlagen gemeldet (${c.reason}). Der Kunde hat daraus keine Schlüssel erhalten.`,
        whatToDo: [
          "Versuchen Sie die Bestellung in Erysta Fulfillment erneut oder erstatten Sie sie dem Kunden in Shopify.",
          "Den Grund erfahren Sie beim Erysta-Support mit der Trace-ID unten.",
        ],
      },
      refunded: {
        subject: (o) => `Bestellung ${o}: Erysta hat die Bestellung erstattet`,
        whatHappened: (c) =>
          `Erysta hat die Bestellung für ${c.orderName} erstattet (${c.reason}). Bis dahin nicht gelieferte Schlüssel kommen nicht mehr.`,
        whatToDo: [
          "Erstatten Sie die nicht gelieferten Artikel in Shopify oder geben Sie die Bestellung in Erysta Fulfillment erneut auf.",
        ],
      },
      unknown_status: {
        subject: (o) => `Bitte prüfen: Bestellung ${o} hat bei Erysta einen unerwarteten Status`,
        whatHappened: (c) =>
          `Erysta hat für ${c.orderName} einen Status gemeldet, den wir nicht kennen (${c.reason}). Wir haben die automatische Verarbeitung angehalten, damit nichts schiefgeht.`,
        whatToDo: [
          "Prüfen Sie die Bestellung in Ihrem Erysta-Dashboard.",
          "Wenden Sie sich mit der Trace-ID unten an den Erysta-Support und versuchen Sie es danach in Erysta Fulfillment erneut.",
        ],
      },
      on_hold: {
        subject: (o) => `Bestellung ${o} wartet auf Ihre Freigabe`,
        whatHappened: (c) =>
          `Wir haben die Bestellung für ${c.orderName} vor dem Kauf der Schlüssel angehalten (${c.reason}), zum Beispiel weil Shopify sie als risikoreich eingestuft hat.`,
        whatToDo: [
          "Prüfen Sie die Bestellung in Shopify.",
          "Ist sie in Ordnung, geben Sie sie in Erysta Fulfillment frei, damit die Schlüssel geliefert werden; andernfalls stornieren und erstatten Sie sie in Shopify.",
        ],
      },
    },
    adviceByReason: {
      insufficient_funds: [
        "Laden Sie Ihr Erysta-Guthaben auf.",
        "Öffnen Sie danach die Bestellung in Erysta Fulfillment und wählen Sie „Erneut versuchen“.",
      ],
      out_of_stock: [
        "Prüfen Sie die Verfügbarkeit des Produkts bei Erysta oder ordnen Sie die Variante einem anderen Erysta-Produkt zu.",
        "Wählen Sie danach „Erneut versuchen“ in Erysta Fulfillment oder erstatten Sie die Bestellung, falls das Produkt nicht verfügbar bleibt.",
      ],
      invalid_api_key: [
        "Öffnen Sie die Einstellungen in Erysta Fulfillment und verbinden Sie Ihren Erysta-API-Schlüssel neu.",
        "Versuchen Sie die Bestellung danach in Erysta Fulfillment erneut.",
      ],
      product_unavailable: [
        "Prüfen Sie die Produktzuordnung für diesen Artikel in Erysta Fulfillment.",
        "Versuchen Sie die Bestellung danach in Erysta Fulfillment erneut.",
      ],
    },
  },
};
