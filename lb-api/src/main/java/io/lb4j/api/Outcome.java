package io.lb4j.api;

/** How a call made on a leased server ended. */
public enum Outcome {
    /** The server answered as expected. Counts as success for passive health. */
    SUCCESS,
    /** The server failed (I/O error, 5xx, SQLSTATE 08*). Counts against the server's health. */
    FAILURE,
    /** The call ended for a reason that says nothing about the server (cancelled by the caller). */
    DROPPED
}
