import Testing

@testable import KeyplanRPC

@Suite("Call deadline")
struct CallDeadlineTests {
    @Test("the earlier of the client's timeout and the server's maximum call duration")
    func earlierWins() {
        #expect(CallDeadline(clientTimeoutMicroseconds: nil, serverLimit: nil) == nil)
        let client = CallDeadline(clientTimeoutMicroseconds: 500, serverLimit: nil)
        #expect(client?.microseconds == 500 && client?.isServerLimit == false)
        let server = CallDeadline(clientTimeoutMicroseconds: nil, serverLimit: .seconds(2))
        #expect(server?.microseconds == 2_000_000 && server?.isServerLimit == true)
        #expect(CallDeadline(clientTimeoutMicroseconds: 3_000_000, serverLimit: .seconds(2))?.isServerLimit == true)
        #expect(CallDeadline(clientTimeoutMicroseconds: 1_000_000, serverLimit: .seconds(2))?.isServerLimit == false)
        #expect(CallDeadline(clientTimeoutMicroseconds: nil, serverLimit: .seconds(Int64.max))?.microseconds == .max)
    }
}
