import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import KeyplanServer
import KeyplanWire
import Testing

/// The checked-in API catalogue (`Protocols/api.json`, `Protocols/api.md`) is what the server answers, and nothing a
/// released client relies on has changed since `Protocols/api-released.json`.
///
/// To refresh the checked-in copies after changing the API: `KEYPLAN_WRITE_API_CATALOGUE=1 swift test --filter
/// APICatalogueTests`, then review the diff. Releasing copies `api.json` over `api-released.json`.
@Suite("API catalogue")
struct APICatalogueTests {
    static let protocols = packageDirectory.appendingPathComponent("Protocols")

    /// The catalogue of the server as `keyplan-server serve` builds it (its database is never contacted).
    static func current() throws -> APICatalogue {
        let database = PostgresClient(configuration: try PostgresConfiguration(connectionString: "postgresql://localhost/unused"))
        let keyplan = try KeyplanServices(database: database)
        let server = RPCServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: keyplan.services)
        return try APICatalogue(server: server)
    }

    @Test("Protocols/api.json and api.md are up to date")
    func checkedInCopiesAreCurrent() throws {
        let catalogue = try Self.current()
        let files = [
            "api.json": try catalogue.json(), "api.md": Data(catalogue.markdown().utf8), "openapi.json": try catalogue.openAPI(),
        ]
        let hint = "the API changed: run `KEYPLAN_WRITE_API_CATALOGUE=1 swift test --filter APICatalogueTests` and review the diff"
        for (name, contents) in files.sorted(by: { $0.key < $1.key }) {
            let file = Self.protocols.appendingPathComponent(name)
            if ProcessInfo.processInfo.environment["KEYPLAN_WRITE_API_CATALOGUE"] == "1" { try contents.write(to: file) }
            #expect(try Data(contentsOf: file) == contents, "Protocols/\(name): \(hint)")
        }
    }

    @Test("the OpenAPI document lists every method with a JSON form, and every schema it refers to")
    func openAPIDocumentIsComplete() throws {
        let catalogue = try Self.current()
        let document = try #require(try JSONSerialization.jsonObject(with: catalogue.openAPI()) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        for service in catalogue.services where service.name != "keyplan.ServerHealth" && service.name != "keyplan.Reflection" {
            for method in service.methods {
                let path = try #require(paths["/\(service.name)/\(method.name)"], "\(service.name)/\(method.name) missing")
                #expect(path["post"] != nil)
                #expect((path["get"] != nil) == (method.kind == "unary" && method.idempotency == "noSideEffects"), "\(method.name)")
            }
        }
        // Every $ref resolves.
        let text = String(decoding: try catalogue.openAPI(), as: UTF8.self)
        let references = text.components(separatedBy: "\"#/components/schemas/").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(!references.isEmpty)
        for reference in Set(references) { #expect(schemas[String(reference)] != nil, "\(reference) is referred to but not defined") }
        let update = try #require(schemas["UpdateGoalRequest"] as? [String: Any])
        #expect((update["required"] as? [String])?.contains("expectedVersion") == true)
        #expect((update["required"] as? [String])?.contains("title") == false)
    }

    @Test("nothing a released client relies on has changed")
    func noBreakingChangeSinceTheRelease() throws {
        let released = try APICatalogue.decode(json: Data(contentsOf: Self.protocols.appendingPathComponent("api-released.json")))
        let problems = try Self.current().breakingChanges(since: released)
        #expect(problems.isEmpty, "breaking changes since Protocols/api-released.json:\n\(problems.joined(separator: "\n"))")
    }

    @Test("every message, enum and scalar a method reaches is described, with numbers that follow the declarations")
    func catalogueDescribesTheMessages() throws {
        let catalogue = try Self.current()
        #expect(catalogue.services.count > 15)
        let goals = try #require(catalogue.services.first { $0.name == "keyplan.Goals" })
        let update = try #require(goals.methods.first { $0.name == "Update" })
        #expect(update.kind == "unary")
        let request = try #require(catalogue.messages[update.request]?.fields)
        // Numbers as the declaration writes them, types in the catalogue's vocabulary, doc comments carried over.
        let accountID = try #require(request.first { $0.name == "accountID" })
        #expect(accountID.type == "uuid" && !accountID.optional)
        #expect(request.contains { $0.name == "expectedVersion" && $0.type == "int64" })
        #expect(Set(request.map(\.number)).count == request.count)
        #expect(catalogue.scalars["calendar_date"]?.encoding.contains("YYYY-MM-DD") == true)
        let goal = try #require(catalogue.messages["GoalView"]?.fields)
        #expect(goal.contains { $0.documentation != nil })
        let watch = try #require(catalogue.services.flatMap(\.methods).first { $0.name == "Watch" })
        #expect(watch.kind == "serverStreaming")
        // The runtime's own messages point to their hand-written encoding.
        #expect(catalogue.messages.values.contains { $0.customEncoding != nil })
        // Every type expression used resolves.
        for message in catalogue.messages.values {
            for field in message.fields ?? [] {
                for name in Self.names(in: field.type) {
                    #expect(
                        catalogue.messages[name] != nil || catalogue.enums[name] != nil || catalogue.scalars[name] != nil,
                        "\(field.name): \(field.type) names \(name), which the catalogue does not describe")
                }
            }
        }
    }

    /// Each kind of breaking change is caught, named in words; additions are free.
    @Test("breaking changes are caught, additions are free")
    func breakingChangesAreCaught() throws {
        let released = try Self.current()
        func changes(_ change: (inout APICatalogue) throws -> Void) rethrows -> [String] {
            var next = released
            try change(&next)
            return next.breakingChanges(since: released)
        }
        func goalField(_ catalogue: inout APICatalogue, _ name: String, _ change: (inout WireSchema.Field) -> Void) {
            let index = catalogue.messages["GoalView"]!.fields!.firstIndex { $0.name == name }!
            change(&catalogue.messages["GoalView"]!.fields![index])
        }
        func requestField(_ catalogue: inout APICatalogue, _ name: String, _ change: (inout WireSchema.Field) -> Void) {
            let index = catalogue.messages["UpdateGoalRequest"]!.fields!.firstIndex { $0.name == name }!
            change(&catalogue.messages["UpdateGoalRequest"]!.fields![index])
        }
        #expect(changes { _ in }.isEmpty)

        // Removed, renumbered, renamed, retyped fields.
        let removed = changes { $0.messages["GoalView"]!.fields!.removeAll { $0.name == "title" } }
        #expect(removed.contains { $0.contains(".title (field") && $0.contains("was removed") }, "\(removed)")
        let renumbered = changes { goalField(&$0, "title") { $0.number = 400 } }
        #expect(renumbered.contains { $0.contains(".title (field") && $0.contains("was removed") }, "\(renumbered)")
        let renamed = changes { goalField(&$0, "title") { $0.name = "heading" } }
        #expect(renamed.contains { $0.contains("renamed to heading") }, "\(renamed)")
        let retyped = changes { goalField(&$0, "title") { $0.type = "int64" } }
        #expect(retyped.contains { $0.contains("type changed from string to int64") }, "\(retyped)")
        // Zigzag integers of any width write the same bytes: widening is free.
        #expect(changes { requestField(&$0, "expectedVersion") { $0.type = "int32" } }.isEmpty)

        // Optionality, by direction.
        let nowRequired = changes { requestField(&$0, "title") { $0.optional = false } }
        #expect(nowRequired.contains { $0.contains("became required") }, "\(nowRequired)")
        let nowOptional = changes { goalField(&$0, "title") { $0.optional = true } }
        #expect(nowOptional.contains { $0.contains("became optional") }, "\(nowOptional)")
        var extra = try #require(released.messages["UpdateGoalRequest"]?.fields?.first { $0.name == "title" })
        extra.number = 99
        extra.name = "subtitle"
        #expect(changes { $0.messages["UpdateGoalRequest"]!.fields!.append(extra) }.isEmpty, "a new optional field is free")
        extra.optional = false
        let newRequired = changes { $0.messages["UpdateGoalRequest"]!.fields!.append(extra) }
        #expect(newRequired.contains { $0.contains("subtitle (field 99) is new and required") }, "\(newRequired)")

        // Methods and services.
        let goalsIndex = try #require(released.services.firstIndex { $0.name == "keyplan.Goals" })
        let removedMethod = changes { $0.services[goalsIndex].methods.removeAll { $0.name == "Update" } }
        #expect(removedMethod == ["method keyplan.Goals/Update was removed"])
        let rekinded = changes { catalogue in
            let index = catalogue.services[goalsIndex].methods.firstIndex { $0.name == "Update" }!
            catalogue.services[goalsIndex].methods[index].kind = "serverStreaming"
        }
        #expect(rekinded == ["method keyplan.Goals/Update changed its call kind from unary to serverStreaming"])
        #expect(changes { $0.services.remove(at: goalsIndex) } == ["service keyplan.Goals was removed"])
        var added = released.services[goalsIndex]
        added.name = "keyplan.Later"
        #expect(changes { $0.services.append(added) }.isEmpty, "a new service is free")

        // Enums: a lost case or a changed value breaks; a new case is a note for older clients.
        let status = try #require(released.enums["GoalStatus"])
        let lostCase = changes { $0.enums["GoalStatus"]!.cases.removeLast() }
        #expect(lostCase.contains { $0.contains("enum GoalStatus lost its case \(status.cases.last!.name)") }, "\(lostCase)")
        let revalued = changes { $0.enums["GoalStatus"]!.cases[0].value = "elsewhere" }
        #expect(revalued.contains { $0.contains("changed its value") }, "\(revalued)")
        var withNewCase = released
        withNewCase.enums["GoalStatus"]!.cases.append(.init(name: "paused", value: "paused"))
        #expect(withNewCase.breakingChanges(since: released).isEmpty)
        #expect(withNewCase.compatibilityNotes(since: released).contains { $0.contains("gained the case paused") })
    }

    /// Names drop the module: a second type under a name already taken is reported, not merged into the first.
    @Test func typesThatShareANameAreRefused() throws {
        var schema = WireSchema()
        #expect(schema.add(KeyplanAPI.AccountList.self) == "AccountList")
        #expect(schema.add(AccountList.self) == "AccountList")
        #expect(throws: WireSchema.DescriptionError.self) { try schema.checkComplete() }
        var alone = WireSchema()
        alone.add(KeyplanAPI.AccountList.self)
        try alone.checkComplete()
    }

    /// The names a type expression mentions.
    static func names(in expression: String) -> [String] {
        expression.split(whereSeparator: { "[]?: ".contains($0) }).map(String.init)
    }
}

/// A message named like one of the API's, in another module (the tests use the API's by no other name).
@WireMessage
struct AccountList: Codable {
    var title: String

    enum CodingKeys: Int, CodingKey { case title = 1 }
}
