#!/usr/bin/env python3
"""Writes frames.json: the golden frame vectors of Protocols/frames.md.

This is a second, independent implementation of the frame layout (the Swift one is in
Sources/KeyplanWire/Frames) and of the built-in services' messages (frames.md, section 9; the
Swift ones are in Sources/KeyplanRPC/Services). Each vector pairs the bytes with the value they
stand for; the Swift tests decode the bytes and compare with the value, and encode the value and
compare with the bytes (frames: Tests/KeyplanWireTests/Frames; services:
Tests/KeyplanRPCTests/ServiceVectorTests.swift).
Run: python3 Protocols/vectors/generate_frames.py > Protocols/vectors/frames.json
"""
import json
import struct
import sys

TYPES = {"preface": 1, "settings": 2, "open": 3, "headers": 4, "message": 5, "halfClose": 6,
         "end": 7, "cancel": 8, "ping": 9, "pong": 10, "goAway": 11}


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def blob(b):
    return varint(len(b)) + b


def text(s):
    return blob(s.encode("utf-8"))


def metadata(fields):
    out = varint(len(fields))
    for f in fields:
        out += text(f["name"])
        if "text" in f:
            out += b"\x00" + text(f["text"])
        else:
            out += b"\x01" + blob(bytes.fromhex(f["binary"]))
    return out


def header(length, type_byte, flags, call_id):
    return struct.pack(">IBBI", length, type_byte, flags, call_id)


def encode(frame):
    t = frame["type"]
    flags = 0
    call_id = frame.get("callID", 0)
    if t == "preface":
        payload = b"KPLN" + struct.pack(">H", frame["version"])
    elif t == "settings":
        if frame["ack"]:
            flags, payload = 1, b""
        else:
            payload = b"".join(struct.pack(">HI", s["id"], s["value"]) for s in frame["values"])
    elif t == "open":
        payload = text(frame["method"])
        if "timeoutMicroseconds" in frame:
            flags = 1
            payload += varint(frame["timeoutMicroseconds"])
        payload += metadata(frame["metadata"])
    elif t == "headers":
        payload = metadata(frame["metadata"])
    elif t == "message":
        payload = bytes.fromhex(frame["payload"])
    elif t in ("halfClose", "cancel"):
        payload = b""
    elif t == "end":
        payload = bytes([frame["code"]]) + text(frame["message"]) + varint(len(frame["details"]))
        for d in frame["details"]:
            payload += text(d["typeName"]) + blob(bytes.fromhex(d["value"]))
        payload += metadata(frame["trailers"])
    elif t in ("ping", "pong"):
        payload = bytes.fromhex(frame["opaque"])
        assert len(payload) == 8
    elif t == "goAway":
        payload = struct.pack(">IB", frame["lastCallID"], frame["code"]) + text(frame["message"])
    else:
        raise ValueError(t)
    return header(len(payload), TYPES[t], flags, call_id) + payload


VALID = [
    ("preface, version 1", {"type": "preface", "version": 1}),
    ("settings with max frame size and max concurrent calls",
     {"type": "settings", "ack": False, "values": [{"id": 1, "value": 4194304}, {"id": 2, "value": 100}]}),
    ("settings with an unknown id, kept", {"type": "settings", "ack": False, "values": [{"id": 0x7F01, "value": 7}]}),
    ("empty settings", {"type": "settings", "ack": False, "values": []}),
    ("settings acknowledgement", {"type": "settings", "ack": True}),
    ("open, no timeout, no metadata", {"type": "open", "callID": 1, "method": "keyplan.ServerHealth/Check", "metadata": []}),
    ("open with one metadata field of the minimum 3 bytes (empty name, kind 0, empty text)",
     {"type": "open", "callID": 1, "method": "s/m", "metadata": [{"name": "", "text": ""}]}),
    ("open with a 1.5 s timeout and text and binary metadata",
     {"type": "open", "callID": 3, "method": "keyplan.Accounts/List", "timeoutMicroseconds": 1500000,
      "metadata": [{"name": "authorization", "text": "Bearer abc"}, {"name": "trace-bin", "binary": "00ff10"}]}),
    ("open with a zero timeout", {"type": "open", "callID": 5, "method": "s/m", "timeoutMicroseconds": 0, "metadata": []}),
    ("open with the largest call id and a non-ASCII method",
     {"type": "open", "callID": 0xFFFFFFFF, "method": "keyplan.Pläne/Öffnen", "metadata": []}),
    ("headers", {"type": "headers", "callID": 3, "metadata": [{"name": "x-request-id", "text": "r-42"}]}),
    ("empty headers", {"type": "headers", "callID": 3, "metadata": []}),
    ("message", {"type": "message", "callID": 3, "payload": "0a0568656c6c6f"}),
    ("empty message", {"type": "message", "callID": 3, "payload": ""}),
    ("message: a ServerHealth/Check response, SERVING", {"type": "message", "callID": 1, "payload": "01"}),
    ("message of 200 bytes (varint-free, length 0xC8)", {"type": "message", "callID": 9, "payload": "ab" * 200}),
    ("half-close", {"type": "halfClose", "callID": 3}),
    ("end OK, nothing else", {"type": "end", "callID": 3, "code": 0, "message": "", "details": [], "trailers": []}),
    ("end NOT_FOUND with a message, a detail and trailers",
     {"type": "end", "callID": 7, "code": 5, "message": "account 42 not found",
      "details": [{"typeName": "keyplan.ErrorInfo", "value": "0102"}],
      "trailers": [{"name": "x-trailer", "text": "t"}, {"name": "cost-bin", "binary": "ff"}]}),
    ("end with two details of the minimum 2 bytes each (empty type name, empty value)",
     {"type": "end", "callID": 1, "code": 0, "message": "",
      "details": [{"typeName": "", "value": ""}, {"typeName": "", "value": ""}], "trailers": []}),
    ("end with a message needing a two-byte varint length",
     {"type": "end", "callID": 1, "code": 13, "message": "x" * 130, "details": [], "trailers": []}),
    ("end with a special-character message",
     {"type": "end", "callID": 1, "code": 2, "message": "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n",
      "details": [], "trailers": []}),
    ("cancel", {"type": "cancel", "callID": 3}),
    ("ping", {"type": "ping", "opaque": "0102030405060708"}),
    ("pong", {"type": "pong", "opaque": "fffffffffffffffe"}),
    ("goaway after call 7, graceful", {"type": "goAway", "lastCallID": 7, "code": 0, "message": "server shutting down"}),
    ("goaway for a protocol error", {"type": "goAway", "lastCallID": 0, "code": 13, "message": ""}),
]


def err(case, **fields):
    return dict(case=case, **fields)


def malformed_payload(type_name, reason, **fields):
    return err("malformedPayload", type=type_name, reason=dict(case=reason, **fields))


H = header
MALFORMED = [
    ("declared length over the default 4 MiB limit", H(4194305, 5, 0, 1), None,
     err("frameTooLarge", length=4194305, limit=4194304)),
    ("declared length of 4 GiB - 1", H(0xFFFFFFFF, 5, 0, 1), None,
     err("frameTooLarge", length=0xFFFFFFFF, limit=4194304)),
    ("length over a configured 16-byte limit", H(17, 5, 0, 1) + b"\x00" * 17, 16,
     err("frameTooLarge", length=17, limit=16)),
    ("unknown frame type 0x00", H(0, 0, 0, 0), None, err("unknownFrameType", byte=0)),
    ("ASCII garbage ('GET / HTTP/1.1') reads as a huge length", b"GET / HTTP/1.1\r\n", None,
     err("frameTooLarge", length=0x47455420, limit=4194304)),
    ("unknown frame type 0xFF", H(0, 0xFF, 0, 1), None, err("unknownFrameType", byte=0xFF)),
    ("ping with a call id", H(8, 9, 0, 1) + b"\x00" * 8, None, err("invalidCallID", type="ping", callID=1)),
    ("message with call id 0", H(1, 5, 0, 0) + b"\x00", None, err("invalidCallID", type="message", callID=0)),
    ("preface with wrong magic", H(6, 1, 0, 0) + b"HTTP\x00\x01", None, malformed_payload("preface", "badMagic")),
    ("preface of 5 bytes", H(5, 1, 0, 0) + b"KPLN\x00", None,
     malformed_payload("preface", "wrongSize", expected=6, actual=5)),
    ("settings with a truncated entry", H(5, 2, 0, 0) + b"\x00\x01\x00\x00\x00", None,
     malformed_payload("settings", "truncated")),
    ("settings ack with a payload", H(6, 2, 1, 0) + b"\x00\x01\x00\x00\x00\x01", None,
     malformed_payload("settings", "wrongSize", expected=0, actual=6)),
    ("open whose method length runs past the payload", H(3, 3, 0, 1) + b"\x05ab", None,
     malformed_payload("open", "lengthOutOfRange")),
    ("open with invalid UTF-8 in the method", H(3, 3, 0, 1) + b"\x01\xff\x00", None,
     malformed_payload("open", "invalidUTF8")),
    ("open with an overlong varint timeout (0 in two bytes)", H(5, 3, 1, 1) + b"\x01a\x80\x00\x00", None,
     malformed_payload("open", "invalidVarint")),
    ("open with a varint timeout over 64 bits", H(13, 3, 1, 1) + b"\x01a" + b"\xff" * 9 + b"\x02" + b"\x00", None,
     malformed_payload("open", "invalidVarint")),
    ("open missing its metadata count", H(2, 3, 0, 1) + b"\x01a", None, malformed_payload("open", "truncated")),
    ("open with a metadata value kind of 2", H(7, 3, 0, 1) + b"\x01a\x01\x01k\x02\x00", None,
     malformed_payload("open", "unknownMetadataKind", metadataKind=2)),
    ("open with a forged metadata count", H(6, 3, 0, 1) + b"\x01a\xff\xff\xff\x0f", None,
     malformed_payload("open", "lengthOutOfRange")),
    ("open claiming 2 metadata fields with 3 bytes left (a field takes at least 3)",
     H(6, 3, 0, 1) + b"\x01a\x02\x00\x00\x00", None, malformed_payload("open", "lengthOutOfRange")),
    ("end claiming 3 details with 5 bytes left (a detail takes at least 2)",
     H(8, 7, 0, 1) + b"\x00\x00\x03" + b"\x00" * 5, None, malformed_payload("end", "lengthOutOfRange")),
    ("half-close with a payload", H(1, 6, 0, 1) + b"\x00", None, malformed_payload("halfClose", "wrongSize", expected=0, actual=1)),
    ("end with trailing bytes", H(5, 7, 0, 1) + b"\x00\x00\x00\x00\x99", None,
     malformed_payload("end", "trailingBytes", count=1)),
    ("ping of 4 bytes", H(4, 9, 0, 0) + b"\x00" * 4, None, malformed_payload("ping", "wrongSize", expected=8, actual=4)),
    ("goaway cut inside its message", H(7, 11, 0, 0) + b"\x00\x00\x00\x01\x00\x05a", None,
     malformed_payload("goAway", "lengthOutOfRange")),
    ("a header cut short", H(8, 9, 0, 0)[:7], None, err("truncatedFrame", bufferedBytes=7)),
    ("a payload cut short", H(8, 9, 0, 0) + b"\x00" * 3, None, err("truncatedFrame", bufferedBytes=13)),
    ("a whole frame followed by a stray byte", H(0, 6, 0, 1) + b"\x00", None, err("bytesAfterFrame", count=1)),
]


# The built-in services' messages (frames.md, section 9). They are raw bytes, not the binary
# Codable encoding of encoding.md.

def health_request(value):
    return value["service"].encode("utf-8")


def health_response(value):
    return bytes([value["status"]])


def reflection_request(value):
    return b""


def reflection_response(value):
    out = struct.pack(">I", len(value["methods"]))
    for m in value["methods"]:
        for field in ("service", "method", "kind", "requestType", "responseType"):
            b = m[field].encode("utf-8")
            out += struct.pack(">I", len(b)) + b
    return out


HEALTH = "keyplan.ServerHealth/Check"
REFLECTION = "keyplan.Reflection/ListMethods"
# What a server without services of its own lists: the two built-in methods, sorted.
BUILT_IN_METHODS = [
    {"service": "keyplan.Reflection", "method": "ListMethods", "kind": "unary",
     "requestType": "Swift.Array<Swift.UInt8>", "responseType": "KeyplanRPC.Reflection.Response"},
    {"service": "keyplan.ServerHealth", "method": "Check", "kind": "unary",
     "requestType": "KeyplanRPC.ServerHealth.Request", "responseType": "KeyplanRPC.ServerHealth.Response"},
]
SERVICES = [
    ("health request: the server as a whole", HEALTH, "request", {"service": ""}, health_request),
    ("health request: one service", HEALTH, "request", {"service": "keyplan.Accounts"}, health_request),
    ("health response: UNKNOWN", HEALTH, "response", {"status": 0}, health_response),
    ("health response: SERVING", HEALTH, "response", {"status": 1}, health_response),
    ("health response: NOT_SERVING", HEALTH, "response", {"status": 2}, health_response),
    ("reflection request", REFLECTION, "request", {}, reflection_request),
    ("reflection response: no methods", REFLECTION, "response", {"methods": []}, reflection_response),
    ("reflection response: a server with only the built-in services", REFLECTION, "response",
     {"methods": BUILT_IN_METHODS}, reflection_response),
]


def main():
    valid = [{"name": n, "hex": encode(f).hex(), "frame": f} for n, f in VALID]
    malformed = []
    for name, data, limit, error in MALFORMED:
        entry = {"name": name, "hex": data.hex(), "error": error}
        if limit is not None:
            entry["maxFrameSize"] = limit
        malformed.append(entry)
    services = [{"name": n, "method": m, "message": which, "value": v, "hex": enc(v).hex()}
                for n, m, which, v, enc in SERVICES]
    doc = {
        "description": "Golden vectors for Protocols/frames.md. 'valid': bytes <-> frame, both directions. "
                       "'malformed': bytes that must be rejected as one frame with exactly this error "
                       "(maxFrameSize defaults to 4194304). 'services': the MESSAGE payloads of the built-in "
                       "services (section 9), value <-> bytes, both directions.",
        "valid": valid,
        "malformed": malformed,
        "services": services,
    }
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
