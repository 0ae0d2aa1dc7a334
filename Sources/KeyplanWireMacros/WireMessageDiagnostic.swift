import SwiftDiagnostics
import SwiftSyntax

/// What `@WireMessage` cannot generate, and why.
enum WireMessageDiagnostic: DiagnosticMessage {
    case notAStruct
    case codesItself(String)
    case noCodingKeys
    case keysNotNumbered
    case rawValueNotLiteral
    case implicitFieldNumber(String)
    case fieldNumberTooSmall(String)
    case fieldNumberTooLarge(String, Int)
    case conditionalKeys
    case unsupportedProperty(String, String)
    case noProperty(String)
    case noTypeAnnotation(String)
    case initializedConstant(String)

    var message: String {
        switch self {
        case .notAStruct:
            "@WireMessage applies to structs"
        case .codesItself(let member):
            "the struct implements \(member) itself, which generated coding would bypass; leave @WireMessage off"
        case .noCodingKeys:
            "@WireMessage needs a nested 'enum CodingKeys: Int, CodingKey' that numbers the fields"
        case .keysNotNumbered:
            "CodingKeys must be declared 'Int, CodingKey': its raw values are the field numbers"
        case .rawValueNotLiteral:
            "a field number must be an integer literal"
        case .implicitFieldNumber(let name):
            "field '\(name)' has no number of its own; write 'case \(name) = N' (a number counted on from the case before would change when cases are inserted or moved)"
        case .fieldNumberTooSmall(let name):
            "field '\(name)' has number 0 or less; field numbers start at 1 (write 'case \(name) = 1')"
        case .fieldNumberTooLarge(let name, let maximum):
            "field '\(name)' has a number above \(maximum), the largest the format allows"
        case .conditionalKeys:
            "CodingKeys must not use #if: the fields and their numbers would depend on the build"
        case .unsupportedProperty(let name, let form):
            "property '\(name)' is \(form), which @WireMessage cannot code as Codable does; leave it out of CodingKeys or leave @WireMessage off"
        case .noProperty(let name):
            "CodingKeys case '\(name)' names no stored property"
        case .initializedConstant(let name):
            "'\(name)' is a constant with an initial value, which decoding cannot set; make it 'var' or leave it out of CodingKeys"
        case .noTypeAnnotation(let name):
            "property '\(name)' needs an explicit type for @WireMessage"
        }
    }

    var diagnosticID: MessageID { MessageID(domain: "KeyplanWireMacros", id: "\(self)") }
    var severity: DiagnosticSeverity { .error }

    func diagnose(at node: some SyntaxProtocol) -> Diagnostic {
        Diagnostic(node: Syntax(node), message: self)
    }
}
