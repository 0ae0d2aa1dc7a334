@_exported import struct KeyplanWire.MetadataField
// The status codes and metadata fields of the wire are the RPC layer's own vocabulary; re-export
// them so users of KeyplanRPC need not import KeyplanWire for them.
@_exported import struct KeyplanWire.StatusCode
