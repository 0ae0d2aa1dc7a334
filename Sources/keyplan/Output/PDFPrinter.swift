import Foundation

/// Prints an HTML file to PDF with a headless Chromium on this machine. Only the CLI uses it, and
/// only when asked: the server never renders PDFs, so it needs no browser.
struct PDFPrinter {
    var chromium: String?

    func print(htmlFile: String, to pdf: String) throws {
        guard let browser = chromium ?? Self.findChromium() else {
            throw CLIError("no Chromium found to print the PDF: install chromium, or name one with --chromium; the HTML is written")
        }
        let html = URL(fileURLWithPath: htmlFile).standardizedFileURL
        let output = URL(fileURLWithPath: pdf).standardizedFileURL
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        // No sandbox: Chromium refuses to start one as root (containers, CI); the page is our own
        // file, without script.
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-pdf-header-footer",
            "--print-to-pdf=\(output.path)", html.absoluteString,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw CLIError("cannot run \(browser): \(error.localizedDescription)") }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: output.path) else {
            throw CLIError("\(browser) could not print \(pdf): \(String(decoding: message.suffix(500), as: UTF8.self))")
        }
    }

    /// The first of the usual names on the PATH.
    static func findChromium() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }
}
