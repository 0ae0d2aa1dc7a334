import Foundation
import KeyplanWire

extension APICatalogue {
    /// The catalogue for people: `Protocols/api.md`. Generated, like `api.json`, by the catalogue test.
    public func markdown() -> String {
        var out = """
            # Keyplan API catalogue

            Generated from the server's own declarations by the catalogue test (`Tests/KeyplanServerTests`, \
            `APICatalogueTests`) together with [`api.json`](api.json), the same content as data; do not edit by hand. \
            How each type travels is in [`encoding.md`](encoding.md); frames, calls and status codes in \
            [`frames.md`](frames.md).

            A field's type is a scalar (below), a message or enum of this catalogue, `[T]` for a sequence (arrays and sets \
            alike) or `[K: V]` for a dictionary. An *optional* field is left out when it has no value; a required field \
            missing from a message is an error. `raw` is a payload taken as it is. Methods named `keyplan.X/Y` are called \
            as `keyplan.X/Y` in the `HEADERS` frame (frames.md).

            ## Scalars

            | scalar | wire type | encoding |
            |---|---|---|

            """
        for (name, scalar) in scalars.sorted(by: { $0.key < $1.key }) {
            out += "| `\(name)` | \(scalar.wireType) | \(Self.cell(scalar.encoding)) |\n"
        }
        out += "\n## Services\n"
        for service in services {
            out += "\n### \(service.name)\n\n| method | call kind | request | response | idempotency |\n|---|---|---|---|---|\n"
            for method in service.methods {
                out +=
                    "| `\(method.name)` | \(method.kind) | \(Self.type(method.request)) | \(Self.type(method.response)) | \(method.idempotency) |\n"
            }
        }
        out += "\n## Messages\n"
        for (name, message) in messages.sorted(by: { $0.key < $1.key }) {
            out += "\n### \(name)\n\n"
            if let documentation = message.documentation { out += documentation + "\n\n" }
            if let custom = message.customEncoding {
                out += "Written by hand, not in this encoding: \(custom).\n"
                continue
            }
            let fields = message.fields ?? []
            if fields.isEmpty {
                out += "No fields: an empty message.\n"
                continue
            }
            out += "| # | field | type | | description |\n|---:|---|---|---|---|\n"
            for field in fields {
                out += "| \(field.number) | `\(field.name)` | \(Self.type(field.type)) | \(field.optional ? "optional" : "required") | "
                out += Self.cell(field.documentation ?? "") + " |\n"
            }
        }
        out += "\n## Enums\n\nAn enum travels as its case's raw value: a `string` or an integer.\n"
        for (name, enumeration) in enums.sorted(by: { $0.key < $1.key }) {
            let values = enumeration.cases.map { $0.name == $0.value ? "`\($0.value)`" : "`\($0.name)` = `\($0.value)`" }
            out += "\n### \(name)\n\n\(enumeration.rawType): " + values.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// A type expression in a table cell.
    private static func type(_ expression: String) -> String {
        "`" + expression.replacingOccurrences(of: "|", with: "\\|") + "`"
    }

    /// Text for a table cell: one line, pipes escaped.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "\n\n", with: "<br>").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "|", with: "\\|")
    }
}
