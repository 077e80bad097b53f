-- Push to phones: how the device is woken (apns, fcm, or sse = only its open event stream) and its push
-- token (APNs device token / FCM registration token; cleared when the provider says it is no longer valid).
ALTER TABLE factors ADD COLUMN push_platform TEXT NULL;
ALTER TABLE factors ADD COLUMN push_token TEXT NULL;
