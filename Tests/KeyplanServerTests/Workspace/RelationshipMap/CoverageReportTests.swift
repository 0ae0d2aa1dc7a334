import Foundation
import KeyplanAPI
import Testing

@Suite("Relationship map coverage")
struct CoverageReportTests {
    @Test func keyPlayersWithoutAStrongRelationshipAreGapsDecisionMakersFirst() {
        let report = CoverageReport(map: KnownMap.map)
        #expect(report.gaps.map(\.contactID) == [KnownMap.carla, KnownMap.frank], "Ivy is known strongly; Gus and Uma are no key players")
        #expect(
            report.gaps.map(\.explanation) == [
                "Carla Chen (CEO) is a decision maker of high influence without a strong relationship: our strongest relationship is moderate (Sam).",
                "Frank Fox (CFO) is a decision maker without a strong relationship: nobody on our team knows them.",
            ])
        #expect(report.gaps[0].strongest == .moderate && report.gaps[0].through == "Sam")
        #expect(report.gaps[1].strongest == nil && report.gaps[1].through == nil)
    }

    @Test func strongRelationshipsThroughOneMemberAndKeyPlayersKnownByOneAreSingleThreading() {
        let report = CoverageReport(map: KnownMap.map)
        #expect(report.isSingleThreaded)
        #expect(report.teamMembers == 2 && report.teamMembersWithStrongRelationships == 1)
        #expect(report.singleThreading.map(\.kind) == [.allStrongRelationships, .keyPlayerKnownByOne])
        #expect(
            report.singleThreading.map(\.explanation) == [
                "Every strong relationship on this account goes through Sam.",
                "Carla Chen (CEO), a decision maker of high influence, is known only by Sam (moderate).",
            ])
        #expect(report.singleThreading[1].contactID == KnownMap.carla && report.singleThreading[1].userID == KnownMap.sam)
    }

    @Test func oneMemberKnowingEveryoneIsSingleThreaded() {
        var map = KnownMap.map
        map.relationships.removeAll { $0.userID == KnownMap.tina }
        let report = CoverageReport(map: map)
        #expect(report.singleThreading.first?.kind == .allRelationships)
        #expect(report.singleThreading.first?.explanation == "Every relationship on this account goes through Sam.")
        #expect(!report.singleThreading.contains { $0.kind == .allStrongRelationships }, "the broader finding covers it")
    }

    @Test func twoMembersWithStrongRelationshipsAndKeyPlayersKnownByTwoAreNotSingleThreaded() {
        var map = KnownMap.map
        map.relationships = [
            KnownMap.relationship(KnownMap.sam, "Sam", KnownMap.carla, .strong),
            KnownMap.relationship(KnownMap.tina, "Tina", KnownMap.carla, .moderate),
            KnownMap.relationship(KnownMap.tina, "Tina", KnownMap.frank, .strong),
            KnownMap.relationship(KnownMap.sam, "Sam", KnownMap.frank, .weak),
            KnownMap.relationship(KnownMap.tina, "Tina", KnownMap.ivy, .strong),
            KnownMap.relationship(KnownMap.sam, "Sam", KnownMap.ivy, .strong),
        ]
        let report = CoverageReport(map: map)
        #expect(report.gaps.isEmpty && !report.isSingleThreaded)
    }

    @Test func theStatusFollowsTheSupportOfKeyPlayers() {
        let amber = CoverageReport(map: KnownMap.map)
        #expect(amber.status == .amber)
        #expect(amber.statusReason == "Ivy Ito (IT Director) supports us, but no decision maker does.")

        var map = KnownMap.map
        map.contacts[3].attitude = .advocate  // Frank, a decision maker
        let green = CoverageReport(map: map)
        #expect(green.status == .green && green.statusReason == "Decision maker Frank Fox (CFO) supports us.")

        map.contacts = map.contacts.map {
            var contact = $0
            contact.attitude = contact.isKeyPlayer ? .skeptic : .advocate
            return contact
        }
        let red = CoverageReport(map: map)
        #expect(red.status == .red && red.statusReason == "No key player supports us.", "Uma's support does not count: she is no key player")

        let empty = CoverageReport(map: RelationshipMap(accountID: KnownMap.account, contacts: [], relationships: []))
        #expect(empty.status == .red && empty.gaps.isEmpty && !empty.isSingleThreaded && empty.teamMembers == 0)
        #expect(empty.statusReason == "No key player (decision maker or high influence) is on the map.")
    }
}
