import Foundation
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A JSON value, for WebDriver's requests and answers.
enum JSONValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "?"
    }

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(Dictionary(uniqueKeysWithValues: elements)) }
}

/// A W3C WebDriver client for one headless Chromium, driven through a `chromedriver` process this
/// starts on a free loopback port. `WebDriver.with { … }` quits the browser and stops chromedriver
/// however the body ends.
final class WebDriver {
    /// An element reference (the W3C element identifier).
    struct Element: Sendable, CustomStringConvertible {
        let id: String
        let selector: String
        var description: String { selector }
        var json: JSONValue { .object([WebDriver.elementKey: .string(id)]) }
    }

    /// A refusal from chromedriver or the browser: its W3C error code and message.
    struct Failure: Error, CustomStringConvertible {
        let error: String
        let message: String
        var description: String { "WebDriver \(error): \(message)" }
    }

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
    static let chromedriverPath = "/usr/bin/chromedriver"
    static let chromiumPath = "/usr/bin/chromium"

    let port: Int
    let sessionID: String
    private let process: Process

    private init(port: Int, sessionID: String, process: Process) {
        self.port = port
        self.sessionID = sessionID
        self.process = process
    }

    /// Runs `body` with a fresh browser; quits it and stops chromedriver afterwards, also when
    /// `body` throws.
    static func with<Result>(_ body: (WebDriver) async throws -> Result) async throws -> Result {
        let driver = try await start()
        do {
            let result = try await body(driver)
            await driver.quit()
            return result
        } catch {
            await driver.quit()
            throw error
        }
    }

    static func start() async throws -> WebDriver {
        try #require(
            FileManager.default.isExecutableFile(atPath: chromedriverPath), "chromedriver is missing: run scripts/install-system-packages tests")
        let port = try await freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromedriverPath)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        do {
            // chromedriver answers /status once it listens.
            let deadline = ContinuousClock.now + .seconds(20)
            while true {
                if let status = try? await LoopbackHTTP.request("GET", port: port, path: "/status", timeout: .seconds(2)), status.status == 200 {
                    break
                }
                guard ContinuousClock.now < deadline else { throw Failure(error: "not started", message: "chromedriver did not answer within 20 s") }
                try await Task.sleep(for: .milliseconds(100))
            }
            let capabilities: JSONValue = [
                "capabilities": [
                    "alwaysMatch": [
                        "browserName": "chrome",
                        "pageLoadStrategy": "normal",
                        "goog:loggingPrefs": ["browser": "ALL"],
                        "goog:chromeOptions": [
                            "binary": .string(chromiumPath),
                            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--disable-dev-shm-usage"],
                        ],
                    ]
                ]
            ]
            let answer = try await call("POST", port: port, path: "/session", capabilities)
            guard let sessionID = answer["sessionId"]?.string else { throw Failure(error: "no session", message: "\(answer)") }
            return WebDriver(port: port, sessionID: sessionID, process: process)
        } catch {
            await stop(process)
            throw error
        }
    }

    /// Ends the session (the browser quits) and stops chromedriver.
    func quit() async {
        _ = try? await command("DELETE", "")
        await Self.stop(process)
    }

    private static func stop(_ process: Process) async {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    // MARK: Commands

    /// One WebDriver command of this session; answers its `value`.
    @discardableResult
    func command(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await Self.call(method, port: port, path: "/session/\(sessionID)\(path)", body)
    }

    private static func call(_ method: String, port: Int, path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let bytes = try body.map { Array(try JSONEncoder().encode($0)) } ?? (method == "POST" ? Array("{}".utf8) : [])
        let response = try await LoopbackHTTP.request(
            method, port: port, path: path, headers: [("Content-Type", "application/json; charset=utf-8")], body: bytes)
        let json = try JSONValue.parse(response.body)
        let value = json["value"] ?? .null
        if response.status != 200 {
            throw Failure(error: value["error"]?.string ?? "HTTP \(response.status)", message: value["message"]?.string ?? response.text)
        }
        return value
    }

    func navigate(to url: String) async throws {
        try await command("POST", "/url", ["url": .string(url)])
    }

    func currentURL() async throws -> String {
        try await command("GET", "/url").string ?? ""
    }

    func title() async throws -> String {
        try await command("GET", "/title").string ?? ""
    }

    func find(_ selector: String) async throws -> Element {
        let value = try await command("POST", "/element", ["using": "css selector", "value": .string(selector)])
        guard let id = value[Self.elementKey]?.string else { throw Failure(error: "no such element", message: selector) }
        return Element(id: id, selector: selector)
    }

    func findAll(_ selector: String) async throws -> [Element] {
        let value = try await command("POST", "/elements", ["using": "css selector", "value": .string(selector)])
        return (value.array ?? []).compactMap { $0[Self.elementKey]?.string }.map { Element(id: $0, selector: selector) }
    }

    /// Runs `action` on the element `selector` finds, finding it again if the page replaced it meanwhile (a live
    /// update re-renders a section between the find and the action: "stale element reference").
    func withElement<T>(_ selector: String, _ action: (Element) async throws -> T) async throws -> T {
        var attempts = 0
        while true {
            do {
                return try await action(try await find(selector))
            } catch let failure as Failure where failure.error == "stale element reference" && attempts < 10 {
                attempts += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func click(_ selector: String) async throws {
        try await withElement(selector) { try await click($0) }
    }

    func text(_ selector: String) async throws -> String {
        try await withElement(selector) { try await text($0) }
    }

    func click(_ element: Element) async throws {
        try await command("POST", "/element/\(element.id)/click")
    }

    func clear(_ element: Element) async throws {
        try await command("POST", "/element/\(element.id)/clear")
    }

    func sendKeys(_ element: Element, _ text: String) async throws {
        try await command("POST", "/element/\(element.id)/value", ["text": .string(text)])
    }

    /// Clears a field and types `text` into it.
    func fill(_ selector: String, _ text: String) async throws {
        try await withElement(selector) { element in
            try await clear(element)
            try await sendKeys(element, text)
        }
    }

    func text(_ element: Element) async throws -> String {
        try await command("GET", "/element/\(element.id)/text").string ?? ""
    }

    func attribute(_ element: Element, _ name: String) async throws -> String? {
        try await command("GET", "/element/\(element.id)/attribute/\(name)").string
    }

    func property(_ element: Element, _ name: String) async throws -> JSONValue {
        try await command("GET", "/element/\(element.id)/property/\(name)")
    }

    /// Runs `script` as a function body in the page (synchronously); answers what it returns.
    @discardableResult
    func execute(_ script: String, _ arguments: [JSONValue] = []) async throws -> JSONValue {
        try await command("POST", "/execute/sync", ["script": .string(script), "args": .array(arguments)])
    }

    /// Runs `script` in the page; it finishes by calling its last argument (`arguments[arguments.length - 1]`).
    func executeAsync(_ script: String, _ arguments: [JSONValue] = []) async throws -> JSONValue {
        try await command("POST", "/execute/async", ["script": .string(script), "args": .array(arguments)])
    }

    /// The page's visible text.
    func bodyText() async throws -> String {
        try await execute("return document.body.innerText").string ?? ""
    }

    /// Saves a PNG of the viewport.
    func screenshot(to file: URL) async throws {
        let base64 = try await command("GET", "/screenshot").string ?? ""
        guard let data = Data(base64Encoded: base64) else { throw Failure(error: "screenshot", message: "not base64") }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    /// Sets the window's size (the viewport follows), e.g. to check a narrow screen.
    func setWindowSize(width: Int, height: Int) async throws {
        try await command("POST", "/window/rect", ["width": .number(Double(width)), "height": .number(Double(height))])
    }

    func cookies() async throws -> [JSONValue] {
        try await command("GET", "/cookie").array ?? []
    }

    func deleteCookies() async throws {
        try await command("DELETE", "/cookie")
    }

    /// The browser console's messages since the last call (errors of the page's scripts among them).
    func consoleLog() async throws -> [JSONValue] {
        let value = try await Self.call("POST", port: port, path: "/session/\(sessionID)/se/log", ["type": "browser"])
        return value.array ?? []
    }

    /// Waits until `check` answers a value (polling every 100 ms), or fails after `timeout` saying
    /// what it waited for.
    func wait<T>(
        _ what: @autoclosure () -> String, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation,
        _ check: () async throws -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while true {
            do {
                if let value = try await check() { return value }
            } catch {
                lastError = error
            }
            if ContinuousClock.now >= deadline {
                let why = lastError.map { " (last error: \($0))" } ?? ""
                let text = (try? await bodyText()).map { "\npage text:\n\($0.prefix(3000))" } ?? ""
                Issue.record("timed out after \(timeout) waiting for \(what())\(why)\(text)", sourceLocation: sourceLocation)
                throw Failure(error: "timeout", message: what())
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits for an element matching `selector` and answers it.
    @discardableResult
    func waitFor(_ selector: String, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation) async throws -> Element {
        try await wait("an element matching \(selector)", timeout: timeout, sourceLocation: sourceLocation) {
            try await findAll(selector).first
        }
    }

    /// Waits until the page's text contains `text`.
    func waitForText(_ text: String, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation) async throws {
        _ = try await wait("the page to show \"\(text)\"", timeout: timeout, sourceLocation: sourceLocation) {
            try await bodyText().contains(text) ? true : nil
        }
    }
}

/// A loopback port nobody listens on now (the OS picks it; taken again by the caller right away).
func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}
