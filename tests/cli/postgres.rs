//! The PostgreSQL store: the schema, claims shared by many flushers, a flusher killed
//! mid-claim, two `serve` replicas, and the database going away mid-run.
