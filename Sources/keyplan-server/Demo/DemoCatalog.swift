import Foundation
import KeyplanAPI

/// The demo tenant's story: a software vendor, Northwind Systems, and the customers it plans.
/// Four strategic accounts in different shape — Contoso thriving, Fabrikam slipping away,
/// Globex steady, Initech single-threaded — and four candidates still being assessed.
enum DemoCatalog {
    struct Seller {
        var key: String
        var name: String
        var role: TenantRole
    }

    struct Customer {
        var name: String
        var role: CustomerRole
    }

    struct Person {
        var name: String
        var title: String
        var department: String
        var role: DecisionRole?
        var influence: Influence
        var attitude: Attitude
        var concerns: String
        /// Index of the person they report to.
        var reportsTo: Int?
        /// Our sellers who know them (seller key, strength).
        var knownBy: [(String, RelationshipStrength)]
    }

    struct Account {
        var name: String
        var domain: String
        var industry: String
        var region: String
        var annualRevenue: Decimal
        var potentialRevenue: Decimal
        var strategic: Bool
        /// The seller key of the owner; the other key (if any) joins the team.
        var owner: String
        var member: String?
        var value: [Int]
        var relationship: [Int]
        /// Monthly revenue 24 months ago and the monthly growth factor since.
        var monthlyRevenue: Decimal
        var monthlyGrowth: Double
        var customers: [Customer]
        var people: [Person]
        /// Scores (1–10) per criterion in the earlier and the current round, per customer.
        var earlierScores: [Int]
        var currentScores: [Int]
        /// Whether the customer's people take part (visit, co-author, answer).
        var engaged: Bool
        /// Days past due of the worst open action (0: none overdue).
        var overdueDays: Int
        /// Days until (negative: since) the next roadmap review is due.
        var nextReviewInDays: Int
    }

    static let sellers = [
        Seller(key: "lena", name: "Lena Leader", role: .leader),
        Seller(key: "sam", name: "Sam Seller", role: .seller),
        Seller(key: "priya", name: "Priya Patel", role: .seller),
        Seller(key: "mia", name: "Mia Marketing", role: .marketing),
    ]

    static let criteria = [
        CriterionDraft(name: "Value delivered", description: "The outcomes our solutions bring you", weight: 3),
        CriterionDraft(name: "Innovation", description: "New ideas we bring", weight: 1),
        CriterionDraft(name: "Collaboration", description: "How well we plan and work with you", weight: 2),
        CriterionDraft(name: "Responsiveness", description: "How fast we act on what you need", weight: 2),
        CriterionDraft(name: "Trust", description: "Whether we do what we say", weight: 2),
    ]

    /// Why each account is planned, one of the four account objectives: Fabrikam is to be kept,
    /// Contoso grown, Globex carried into its other regions' stores, Initech won against a rival.
    /// Hooli, not yet decided, has none.
    static let objectives: [String: AccountObjective] = [
        "Contoso Manufacturing": .revenueGrowth, "Fabrikam Energy": .retention, "Globex Retail": .verticalPenetration,
        "Initech Banking": .competitiveDifferentiation, "Umbrella Health": .revenueGrowth, "Stark Logistics": .retention,
        "Wayne Foods": .competitiveDifferentiation,
    ]

    static let accounts: [Account] =
        [
            Account(
                name: "Contoso Manufacturing", domain: "contoso.example", industry: "Manufacturing", region: "EMEA",
                annualRevenue: 2_400_000, potentialRevenue: 6_000_000, strategic: true, owner: "sam", member: "priya",
                value: [5, 5, 4], relationship: [5, 4, 5, 4, 4], monthlyRevenue: 150_000, monthlyGrowth: 1.02,
                customers: [Customer(name: "Carla Chen", role: .customerEditor), Customer(name: "Dan Diaz", role: .customerViewer)],
                people: [
                    Person(
                        name: "Carla Chen", title: "Chief Operating Officer", department: "Operations", role: .decisionMaker, influence: .high,
                        attitude: .advocate, concerns: "Plant uptime and a single view of maintenance", reportsTo: nil,
                        knownBy: [("sam", .strong), ("priya", .moderate)]),
                    Person(
                        name: "Frank Fox", title: "Chief Financial Officer", department: "Finance", role: .decisionMaker, influence: .high,
                        attitude: .supporter, concerns: "Payback within 18 months", reportsTo: 0, knownBy: [("priya", .strong)]),
                    Person(
                        name: "Dan Diaz", title: "Head of Maintenance", department: "Operations", role: .champion, influence: .medium,
                        attitude: .advocate, concerns: "Fewer unplanned stops", reportsTo: 0, knownBy: [("sam", .strong)]),
                    Person(
                        name: "Gita Gupta", title: "IT Architect", department: "IT", role: .influencer, influence: .medium,
                        attitude: .neutral, concerns: "Integration with the ERP", reportsTo: 1, knownBy: [("priya", .moderate)]),
                ],
                earlierScores: [7, 7, 8, 7, 8], currentScores: [9, 8, 9, 8, 9], engaged: true, overdueDays: 0, nextReviewInDays: 40),
            Account(
                name: "Fabrikam Energy", domain: "fabrikam.example", industry: "Energy", region: "North America",
                annualRevenue: 1_800_000, potentialRevenue: 5_000_000, strategic: true, owner: "priya", member: nil,
                value: [4, 5, 4], relationship: [2, 2, 3, 3, 2], monthlyRevenue: 180_000, monthlyGrowth: 0.985,
                customers: [Customer(name: "Omar Ortiz", role: .customerEditor)],
                people: [
                    Person(
                        name: "Nina Novak", title: "Chief Executive Officer", department: "Executive", role: .decisionMaker, influence: .high,
                        attitude: .skeptic, concerns: "Cost cutting across the grid business", reportsTo: nil, knownBy: [("priya", .weak)]),
                    Person(
                        name: "Omar Ortiz", title: "VP Grid Operations", department: "Operations", role: .influencer, influence: .high,
                        attitude: .supporter, concerns: "Outage prediction", reportsTo: 0, knownBy: [("priya", .strong)]),
                    Person(
                        name: "Paul Price", title: "Procurement Director", department: "Procurement", role: .gatekeeper, influence: .medium,
                        attitude: .opponent, concerns: "Vendor consolidation", reportsTo: 0, knownBy: []),
                ],
                earlierScores: [8, 7, 8, 9, 8], currentScores: [6, 6, 5, 6, 7], engaged: false, overdueDays: 12, nextReviewInDays: -9),
            Account(
                name: "Globex Retail", domain: "globex.example", industry: "Retail", region: "EMEA",
                annualRevenue: 1_200_000, potentialRevenue: 2_500_000, strategic: true, owner: "sam", member: "priya",
                value: [4, 3, 4], relationship: [4, 4, 3, 4, 3], monthlyRevenue: 90_000, monthlyGrowth: 1.005,
                customers: [Customer(name: "Hana Hill", role: .customerEditor)],
                people: [
                    Person(
                        name: "Hana Hill", title: "Chief Digital Officer", department: "Digital", role: .decisionMaker, influence: .high,
                        attitude: .supporter, concerns: "Store analytics in every region", reportsTo: nil, knownBy: [("sam", .strong)]),
                    Person(
                        name: "Ivan Ito", title: "Head of Stores", department: "Retail", role: .user, influence: .medium,
                        attitude: .neutral, concerns: "Ease of use for store managers", reportsTo: 0, knownBy: [("priya", .moderate)]),
                    Person(
                        name: "Jade Jones", title: "Data Protection Officer", department: "Legal", role: .blocker, influence: .high,
                        attitude: .skeptic, concerns: "Customer data leaving the EU", reportsTo: nil, knownBy: [("priya", .strong)]),
                ],
                earlierScores: [7, 6, 7, 7, 7], currentScores: [7, 7, 7, 8, 7], engaged: true, overdueDays: 3, nextReviewInDays: 20),
            Account(
                name: "Initech Banking", domain: "initech.example", industry: "Banking", region: "APAC",
                annualRevenue: 950_000, potentialRevenue: 3_000_000, strategic: true, owner: "sam", member: nil,
                value: [3, 4, 5], relationship: [3, 3, 4, 3, 3], monthlyRevenue: 70_000, monthlyGrowth: 1.01,
                customers: [Customer(name: "Kai Kim", role: .customerEditor)],
                people: [
                    Person(
                        name: "Kai Kim", title: "Chief Risk Officer", department: "Risk", role: .decisionMaker, influence: .high,
                        attitude: .supporter, concerns: "Regulatory reporting deadlines", reportsTo: nil, knownBy: [("sam", .strong)]),
                    Person(
                        name: "Lia Lopez", title: "Head of Compliance", department: "Risk", role: .influencer, influence: .high,
                        attitude: .neutral, concerns: "Audit trails", reportsTo: 0, knownBy: [("sam", .strong)]),
                ],
                earlierScores: [7, 7, 7, 7, 7], currentScores: [7, 8, 7, 7, 8], engaged: true, overdueDays: 0, nextReviewInDays: 60),
        ]
        + [
            ("Umbrella Health", "Healthcare", "North America", Decimal(600_000), Decimal(4_000_000), [5, 4, 5], [2, 2, 2, 3, 2]),
            ("Hooli Media", "Media", "North America", Decimal(300_000), Decimal(900_000), [2, 3, 2], [4, 4, 3, 4, 4]),
            ("Stark Logistics", "Logistics", "EMEA", Decimal(450_000), Decimal(1_200_000), [3, 3, 3], [3, 2, 3, 3, 3]),
            ("Wayne Foods", "Food", "LATAM", Decimal(200_000), Decimal(400_000), [2, 2, 1], [2, 3, 2, 2, 2]),
        ].map { name, industry, region, revenue, potential, value, relationship in
            Account(
                name: name, domain: name.split(separator: " ")[0].lowercased() + ".example", industry: industry, region: region,
                annualRevenue: revenue, potentialRevenue: potential, strategic: false, owner: "priya", member: nil,
                value: value, relationship: relationship, monthlyRevenue: revenue / 12, monthlyGrowth: 1, customers: [], people: [],
                earlierScores: [], currentScores: [], engaged: false, overdueDays: 0, nextReviewInDays: 0)
        }

    // MARK: The whitespace map

    /// Northwind's solutions catalogue: name and description.
    static let solutions = [
        ("Predictive Maintenance", "Sensor analytics that predict failures on critical lines"),
        ("Field Service Cloud", "Scheduling and mobile work orders for technicians"),
        ("Analytics Hub", "Self-service reporting across sites"),
    ]

    struct WhitespaceCell {
        var unit: String
        var solution: String
        var status: WhitespaceStatus
        var servedBy: WhitespaceProvider
        var competitor = ""
        var value: Decimal?
        var contractEndsInDays: Int?
        var note = ""
        var idea = ""
        var shared = false
    }

    /// An account's map, scaled to its potential: maintenance in use at the plants, field service
    /// an opportunity shared with the customer, analytics held by a competitor until its contract ends.
    static func whitespace(_ account: Account) -> [WhitespaceCell] {
        let potential = account.potentialRevenue
        return [
            WhitespaceCell(unit: "Plant operations", solution: "Predictive Maintenance", status: .inUse, servedBy: .us, value: potential / 4),
            WhitespaceCell(
                unit: "Field service", solution: "Field Service Cloud", status: .opportunity, servedBy: .internal, value: potential / 5,
                note: "their home-grown scheduler is end of life", idea: "One schedule for every technician, on their phones", shared: true),
            WhitespaceCell(
                unit: "Finance", solution: "Analytics Hub", status: .competitor, servedBy: .competitor, competitor: "Initrode Analytics",
                value: potential / 10, contractEndsInDays: 200, note: "unhappy with Initrode's support; renewal talks start in Q3"),
            WhitespaceCell(unit: "Field service", solution: "Predictive Maintenance", status: .notAFit, servedBy: .nobody),
        ]
    }
}
