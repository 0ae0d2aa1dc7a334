public import ArgumentParser
public import KeyplanAPI

extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// An option that sets a value, or empties it when given as `none`: how every changing command
/// clears a field (a field left out keeps its value).
enum Clearable<Value: ExpressibleByArgument>: ExpressibleByArgument {
    case set(Value)
    case clear

    init?(argument: String) {
        if argument.lowercased() == "none" {
            self = .clear
        } else if let value = Value(argument: argument) {
            self = .set(value)
        } else {
            return nil
        }
    }

    var value: Value? {
        if case .set(let value) = self { return value }
        return nil
    }

    var clears: Bool {
        if case .clear = self { return true }
        return false
    }
}
