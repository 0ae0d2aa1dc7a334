import Foundation
import KeyplanWire

extension AccountPlan {
    /// A deterministic, realistically filled plan: 10 goals × 4 metrics, 30 contacts, 40 actions, 8 criteria.
    public static func sample(seed: UInt64 = 2026) -> AccountPlan {
        var random = SampleGenerator(seed: seed)
        let eur = CurrencyCode("EUR")!
        let contacts = (0..<30).map { index in
            Contact(
                id: random.uuid(),
                name: random.words(2, capitalized: true),
                title: random.words(3, capitalized: true),
                email: "contact\(index)@customer-corp.example",
                phone: index % 3 == 0 ? nil : "+49 30 \(random.int(in: 1_000_000...9_999_999))",
                role: ContactRole.allCases[random.int(in: 0...5)],
                influence: Int32(random.int(in: 1...10)),
                isChampion: index % 7 == 0
            )
        }
        let goals = (0..<10).map { _ in
            Goal(
                id: random.uuid(),
                title: random.words(5, capitalized: true),
                summary: random.words(24, capitalized: false),
                ownerID: contacts[random.int(in: 0...29)].id,
                dueDate: random.date(),
                status: GoalStatus.allCases[random.int(in: 0...4)],
                metrics: (0..<4).map { _ in
                    Metric(
                        name: random.words(2, capitalized: false),
                        target: Double(random.int(in: 1...1_000_000)) / 100,
                        actual: Double(random.int(in: 0...1_000_000)) / 100,
                        unit: ["EUR", "%", "deals", "seats"][random.int(in: 0...3)]
                    )
                }
            )
        }
        let actions = (0..<40).map { index in
            Action(
                id: random.uuid(),
                title: random.words(6, capitalized: true),
                goalID: index % 4 == 0 ? nil : goals[random.int(in: 0...9)].id,
                ownerID: contacts[random.int(in: 0...29)].id,
                dueDate: random.date(),
                completedAt: index % 3 == 0 ? random.date() : nil,
                status: ActionStatus.allCases[random.int(in: 0...4)],
                priority: Int32(random.int(in: 1...5)),
                notes: random.words(random.int(in: 4...30), capitalized: false)
            )
        }
        return AccountPlan(
            id: random.uuid(),
            tenantID: random.uuid(),
            name: "Strategic account plan FY2026 – Customer Corp",
            account: Account(
                id: random.uuid(),
                name: "Customer Corp AG",
                industry: "Industrial automation",
                region: "DACH",
                website: "https://customer-corp.example",
                annualRevenue: Money(minorUnits: 1_250_000_000_00, currency: eur),
                employeeCount: 12_400
            ),
            revenues: (0..<8).map { quarter in
                Revenue(
                    period: "\(2025 + quarter / 4)-Q\(quarter % 4 + 1)",
                    amount: Money(minorUnits: Int64(random.int(in: 10_000_000...900_000_000)), currency: eur),
                    isForecast: quarter >= 4
                )
            },
            goals: goals,
            contacts: contacts,
            actions: actions,
            scorecard: Scorecard(
                overall: 3.75,
                criteria: (0..<8).map { _ in
                    Criterion(
                        name: random.words(2, capitalized: true),
                        score: Int32(random.int(in: 1...5)),
                        weight: Double(random.int(in: 1...20)) / 20,
                        comment: random.words(12, capitalized: false)
                    )
                }
            ),
            createdAt: random.date(),
            updatedAt: random.date(),
            version: 17
        )
    }
}

/// SplitMix64 with helpers for plausible plan content.
struct SampleGenerator {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(self.next() % UInt64(range.count))
    }

    mutating func uuid() -> UUID {
        let high = self.next()
        let low = self.next()
        return withUnsafeBytes(of: (high, low)) { bytes in
            UUID(
                uuid: (
                    bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                    bytes[12], bytes[13], bytes[14], bytes[15]
                ))
        }
    }

    /// A date in 2025–2027 at whole microseconds, as the wire keeps them.
    mutating func date() -> Date {
        let sinceReference = Int64(self.int(in: 1_735_689_600_000_000...1_830_297_600_000_000)) - 978_307_200_000_000
        return Date(timeIntervalSinceReferenceDate: Double(sinceReference / 1_000_000) + Double(sinceReference % 1_000_000) / 1_000_000)
    }

    private static let vocabulary = [
        "expand", "renewal", "platform", "adoption", "executive", "sponsor", "pipeline", "pilot", "rollout", "workshop",
        "quarterly", "business", "review", "security", "procurement", "budget", "integration", "stakeholder", "value",
        "roadmap", "migration", "champion", "contract", "pricing", "success", "onboarding", "analytics", "europe",
    ]

    mutating func words(_ count: Int, capitalized: Bool) -> String {
        (0..<count).map { _ in
            let word = Self.vocabulary[self.int(in: 0...(Self.vocabulary.count - 1))]
            return capitalized ? word.prefix(1).uppercased() + word.dropFirst() : word
        }.joined(separator: " ")
    }
}
