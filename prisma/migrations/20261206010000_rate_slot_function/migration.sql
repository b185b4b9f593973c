-- The Erysta rate budget's one atomic step (app/erysta/rate-budget.server.ts), in one round trip.
-- Taking the key's lock, counting the window and stamping the call used to be an interactive
-- transaction: the lock stayed held across several round trips and whatever the holder's process was
-- busy with, and in a flash sale every caller queued behind it. Here the lock is held only while
-- PostgreSQL runs these few statements.
-- Returns 0 when a slot was taken (a call row stamped with the database clock), otherwise the
-- milliseconds to wait before asking again (a pause Erysta imposed, or until the oldest call in the
-- window drops out).
-- Each statement of a VOLATILE plpgsql function reads a fresh snapshot, so once the lock is held the
-- count sees every call stamped by the previous holder.
CREATE OR REPLACE FUNCTION erysta_take_rate_slot(key_hash TEXT, call_limit INTEGER, window_ms INTEGER)
RETURNS DOUBLE PRECISION
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  stamp TIMESTAMPTZ;
  blocked_for_ms DOUBLE PRECISION;
  in_window INTEGER;
  oldest_ms DOUBLE PRECISION;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(key_hash));
  stamp := date_trunc('milliseconds', clock_timestamp());
  SELECT extract(epoch FROM s."blockedUntil" - stamp) * 1000 INTO blocked_for_ms
    FROM "ErystaRateState" s
    WHERE s."keyHash" = key_hash AND s."blockedUntil" > stamp;
  IF blocked_for_ms > 0 THEN
    RETURN ceil(blocked_for_ms);
  END IF;
  SELECT count(*), extract(epoch FROM stamp - min(recent."calledAt")) * 1000 INTO in_window, oldest_ms
    FROM (
      SELECT c."calledAt" FROM "ErystaRateCall" c
      WHERE c."keyHash" = key_hash AND c."calledAt" > stamp - window_ms * INTERVAL '1 millisecond'
      ORDER BY c."calledAt" DESC
      LIMIT call_limit
    ) recent;
  IF in_window >= call_limit THEN
    RETURN greatest(1, ceil(window_ms - coalesce(oldest_ms, 0)));
  END IF;
  INSERT INTO "ErystaRateCall" ("keyHash", "calledAt") VALUES (key_hash, stamp);
  RETURN 0;
END
$$;
