package io.lb4j.pool;

/**
 * A cache line (64 bytes) of padding for a subclass's fields to start after: the base of {@link MemberHot}
 * and {@link LatencyFields}, whose fields every request writes. Made of single bytes so that the JVM's field
 * layout (JDK 15+ fills a superclass's holes with a subclass's fields) has no hole to put a field in; within
 * one class the JVM orders fields by size, so padding before a field must be in a superclass.
 */
abstract class CacheLinePad {
    byte b00, b01, b02, b03, b04, b05, b06, b07;
    byte b08, b09, b10, b11, b12, b13, b14, b15;
    byte b16, b17, b18, b19, b20, b21, b22, b23;
    byte b24, b25, b26, b27, b28, b29, b30, b31;
    byte b32, b33, b34, b35, b36, b37, b38, b39;
    byte b40, b41, b42, b43, b44, b45, b46, b47;
    byte b48, b49, b50, b51, b52, b53, b54, b55;
    byte b56, b57, b58, b59, b60, b61, b62, b63;
}
