import SwiftCompilerPlugin
import SwiftSyntaxMacros

@main
struct KeyplanWireMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [WireMessageMacro.self]
}
