import Foundation
import KeyplanLocalDatabase
import KeyplanPostgres
import Testing

/// Whether the migrated schema could be distributed by tenant on Citus, checked without Citus (it cannot
/// be installed here): the rules Citus imposes on a distributed table, read from PostgreSQL's catalogs, and
/// the distribution script (Schema/citus/distribute.sql) against the tables those catalogs hold. See
/// Schema/README.md, "Citus", for what this does not check.
@Suite("Citus readiness")
struct CitusReadinessTests {
    /// A table (and its constraint, index or policy, when the problem is one) that Citus would refuse.
    struct Offender: CustomStringConvertible {
        var table: String
        var name: String
        var problem: String

        var description: String { name.isEmpty ? "\(table): \(problem)" : "\(table) \(name): \(problem)" }
    }

    static let distributionScript = packageDirectory.appendingPathComponent("Schema/citus/distribute.sql")

    /// The tables of `schema` that could not be distributed by tenant_id, or not be reference tables. A tenant
    /// table is one with a `tenant_id` column; the others are global, and become reference tables.
    static func offenders(in schema: String, on connection: PostgresConnection) async throws -> [Offender] {
        try await connection.query(
            """
            WITH tables AS (
                SELECT c.oid, c.relname::text AS name,
                       (SELECT a.attnum FROM pg_attribute a
                        WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenant_id
                FROM pg_class c
                WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = \(schema))
                  AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            ), foreign_keys AS (
                SELECT k.conname::text AS name, child.name AS child, parent.name AS parent, child.tenant_id AS child_tenant_id,
                       parent.tenant_id AS parent_tenant_id, k.conkey, k.confkey, k.confdeltype, k.confupdtype,
                       (SELECT string_agg(a.attname, ', ' ORDER BY o.n) FROM unnest(k.conkey) WITH ORDINALITY AS o (attnum, n)
                        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = o.attnum) AS columns
                FROM pg_constraint k
                JOIN tables child ON child.oid = k.conrelid
                JOIN tables parent ON parent.oid = k.confrelid
                WHERE k.contype = 'f'
            ), actions (code, name) AS (
                VALUES ('c', 'CASCADE'), ('n', 'SET NULL'), ('d', 'SET DEFAULT')
            )
            -- Co-located tables share the distribution column's type, and Citus stores no row without one.
            SELECT t.name AS table_name, '' AS constraint_name,
                   'tenant_id is ' || format_type(a.atttypid, a.atttypmod) || ', not uuid' AS problem
            FROM tables t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = t.tenant_id
            WHERE a.atttypid <> 'uuid'::regtype
            UNION ALL
            SELECT t.name, '', 'tenant_id may be NULL'
            FROM tables t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = t.tenant_id
            WHERE NOT a.attnotnull
            UNION ALL
            SELECT t.name, '', 'no primary key'
            FROM tables t
            WHERE t.tenant_id IS NOT NULL AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indrelid = t.oid AND i.indisprimary)
            UNION ALL
            -- Each shard enforces its own unique indexes: tenant_id must be a key column (INCLUDE columns do not count).
            SELECT t.name, ic.relname::text,
                   CASE WHEN i.indisprimary THEN 'primary key' WHEN i.indisexclusion THEN 'exclusion constraint'
                        WHEN k.oid IS NOT NULL THEN 'unique constraint' ELSE 'unique index' END
                   || ' (' || (SELECT string_agg(pg_get_indexdef(i.indexrelid, n, true), ', ' ORDER BY n)
                               FROM generate_series(1, i.indnkeyatts) n)
                   || ') does not include tenant_id'
            FROM tables t
            JOIN pg_index i ON i.indrelid = t.oid AND (i.indisunique OR i.indisexclusion)
            JOIN pg_class ic ON ic.oid = i.indexrelid
            LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = t.oid
            WHERE t.tenant_id IS NOT NULL AND NOT t.tenant_id = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1])
            UNION ALL
            -- Between tenant tables, tenant_id must reference tenant_id: the same tenant, so the same shard.
            SELECT f.child, f.name, 'foreign key (' || f.columns || ') to ' || f.parent || ' does not pair tenant_id with tenant_id'
            FROM foreign_keys f
            WHERE f.child_tenant_id IS NOT NULL AND f.parent_tenant_id IS NOT NULL
              AND NOT EXISTS (
                  SELECT FROM unnest(f.conkey, f.confkey) AS p (c, r) WHERE p.c = f.child_tenant_id AND p.r = f.parent_tenant_id)
            UNION ALL
            SELECT f.child, f.name, 'foreign key (' || f.columns || ') to tenants is not (tenant_id): it could name another tenant'
            FROM foreign_keys f
            WHERE f.child_tenant_id IS NOT NULL AND f.parent = 'tenants' AND f.conkey <> ARRAY[f.child_tenant_id]
            UNION ALL
            -- Citus refuses these actions on a foreign key that includes the distribution column, even SET NULL (column).
            SELECT f.child, f.name,
                   'foreign key (' || f.columns || ') ON DELETE ' || d.name || ', which Citus refuses on a key with tenant_id'
            FROM foreign_keys f JOIN actions d ON d.code = f.confdeltype
            WHERE f.child_tenant_id = ANY (f.conkey) AND f.confdeltype IN ('n', 'd')
            UNION ALL
            SELECT f.child, f.name,
                   'foreign key (' || f.columns || ') ON UPDATE ' || u.name || ', which Citus refuses on a key with tenant_id'
            FROM foreign_keys f JOIN actions u ON u.code = f.confupdtype
            WHERE f.child_tenant_id = ANY (f.conkey)
            UNION ALL
            SELECT f.child, f.name, 'foreign key (' || f.columns || ') from a global table to tenant table ' || f.parent
                   || ': a reference table cannot reference a distributed one'
            FROM foreign_keys f
            WHERE f.child_tenant_id IS NULL AND f.parent_tenant_id IS NOT NULL
            UNION ALL
            SELECT t.name, p.polname::text, 'policy with a subquery, which Citus refuses'
            FROM tables t JOIN pg_policy p ON p.polrelid = t.oid
            WHERE p.polqual::text LIKE '%{SUBLINK %' OR p.polwithcheck::text LIKE '%{SUBLINK %'
            ORDER BY 1, 2, 3
            """
        ).map { row in
            Offender(
                table: try row.decode(String.self, column: "table_name"), name: try row.decode(String.self, column: "constraint_name"),
                problem: try row.decode(String.self, column: "problem"))
        }
    }

    /// The part of the distribution script that runs on PostgreSQL without Citus (policies without
    /// subqueries), between its `-- BEGIN preparation` and `-- END preparation` lines.
    static func preparation(of script: String) throws -> String {
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        let begin = try #require(lines.firstIndex { $0.hasPrefix("-- BEGIN preparation") }, "no BEGIN preparation line")
        let end = try #require(lines.firstIndex { $0.hasPrefix("-- END preparation") }, "no END preparation line")
        return lines[(begin + 1)..<end].joined(separator: "\n")
    }

    /// A fresh migrated database as the schema's owner, who may change policies and create scratch tables.
    func withOwnerClient<Result>(_ body: (PostgresClient) async throws -> Result) async throws -> Result {
        let database = try await testCluster.createTestDatabase()
        do {
            let owner = try PostgresConfiguration(connectionString: database.ownerURL)
            let result = try await PostgresClient.withClient(configuration: owner, body)
            try? await testCluster.dropDatabase(named: database.name)
            return result
        } catch {
            try? await testCluster.dropDatabase(named: database.name)
            throw error
        }
    }

    @Test func everyTableCouldBeDistributedByTenant() async throws {
        let script = try String(contentsOf: Self.distributionScript, encoding: .utf8)
        try await withOwnerClient { client in
            try await client.withConnection { connection in
                // Citus would refuse the subquery of 0010's policies; the script replaces them before it distributes.
                try await connection.executeScript(try Self.preparation(of: script))
                let offenders = try await Self.offenders(in: "public", on: connection)
                #expect(
                    offenders.isEmpty,
                    """
                    Citus could not distribute these tables as they are (fix them in a new migration):
                    \(offenders.map(\.description).joined(separator: "\n"))
                    """)

                // The same query flags scratch tables that break each rule (temporary: they go with the session).
                try await connection.executeScript(
                    """
                    CREATE TEMPORARY TABLE tenants (id uuid PRIMARY KEY);
                    CREATE TEMPORARY TABLE parents (
                        tenant_id uuid NOT NULL,
                        id uuid NOT NULL,
                        CONSTRAINT parents_key PRIMARY KEY (tenant_id, id),
                        CONSTRAINT parents_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
                    );
                    ALTER TABLE parents ENABLE ROW LEVEL SECURITY;
                    CREATE POLICY once_per_statement ON parents USING (tenant_id = (SELECT app_current_tenant()));
                    CREATE TEMPORARY TABLE keyless (tenant_id text NOT NULL, note text);
                    CREATE TEMPORARY TABLE loose (
                        tenant_id uuid,
                        id uuid,
                        code text,
                        CONSTRAINT loose_key PRIMARY KEY (id),
                        CONSTRAINT loose_code UNIQUE (code)
                    );
                    CREATE UNIQUE INDEX loose_code_per_tenant ON loose (lower(code), tenant_id);
                    CREATE UNIQUE INDEX loose_code_including ON loose (code) INCLUDE (tenant_id);
                    CREATE TEMPORARY TABLE crossing (
                        tenant_id uuid NOT NULL,
                        id uuid NOT NULL,
                        parent_id uuid,
                        other_tenant_id uuid,
                        CONSTRAINT crossing_key PRIMARY KEY (tenant_id, id),
                        CONSTRAINT crossing_other_parent FOREIGN KEY (other_tenant_id, parent_id) REFERENCES parents (tenant_id, id),
                        CONSTRAINT crossing_other_tenant FOREIGN KEY (other_tenant_id) REFERENCES tenants (id),
                        CONSTRAINT crossing_parent_cleared FOREIGN KEY (tenant_id, parent_id) REFERENCES parents (tenant_id, id)
                            ON DELETE SET NULL (parent_id),
                        CONSTRAINT crossing_parent_moved FOREIGN KEY (tenant_id, parent_id) REFERENCES parents (tenant_id, id)
                            ON UPDATE CASCADE
                    );
                    CREATE TEMPORARY TABLE lookups (
                        code text PRIMARY KEY,
                        parent_tenant_id uuid,
                        parent_id uuid,
                        CONSTRAINT lookups_parent FOREIGN KEY (parent_tenant_id, parent_id) REFERENCES parents (tenant_id, id)
                    );
                    """)
                let scratch = try await connection.query("SELECT nspname::text AS name FROM pg_namespace WHERE oid = pg_my_temp_schema()")
                    .single(String.self, column: "name")
                let flagged = try await Self.offenders(in: scratch, on: connection)
                let expected = [
                    ("keyless", "", "no primary key"), ("keyless", "", "tenant_id is text, not uuid"),
                    ("loose", "", "tenant_id may be NULL"), ("loose", "loose_key", "primary key (id)"),
                    ("loose", "loose_code", "unique constraint (code)"), ("loose", "loose_code_including", "unique index (code)"),
                    ("crossing", "crossing_other_parent", "does not pair tenant_id"), ("crossing", "crossing_other_tenant", "to tenants"),
                    ("crossing", "crossing_parent_cleared", "ON DELETE SET NULL"),
                    ("crossing", "crossing_parent_moved", "ON UPDATE CASCADE"),
                    ("lookups", "lookups_parent", "from a global table"), ("parents", "once_per_statement", "policy with a subquery"),
                ]
                for (table, name, words) in expected {
                    #expect(
                        flagged.contains(where: { $0.table == table && $0.name == name && $0.problem.contains(words) }),
                        "\(table) \(name) (\(words)) not flagged among:\n\(flagged.map(\.description).joined(separator: "\n"))")
                }
                // Nothing else: not parents_tenant (tenant_id to tenants), nor loose_code_per_tenant (it includes tenant_id).
                #expect(flagged.count == expected.count, "\(flagged.map(\.description).joined(separator: "\n"))")
            }
        }
    }

    /// Adding a table without adding it to the script fails here; so does a line for a table that no longer
    /// exists, or one placed before a table it references (Citus refuses a foreign key to a table that is not
    /// distributed yet).
    @Test func theDistributionScriptNamesEveryTableOnceParentsFirst() async throws {
        let script = try String(contentsOf: Self.distributionScript, encoding: .utf8)
        let code = script.split(separator: "\n").map { line in line.range(of: "--").map { line[..<$0.lowerBound] } ?? line }
            .joined(separator: "\n")
        let calls = code.matches(
            of: /create_(reference|distributed)_table\('(\w+)'(?:,\s*'(\w+)')?(?:,\s*colocate_with\s*=>\s*'(\w+)')?\)/
        ).map { match in
            let (_, kind, table, column, colocateWith) = match.output
            return (kind: String(kind), table: String(table), column: column.map(String.init), colocateWith: colocateWith.map(String.init))
        }
        try await withOwnerClient { client in
            let tables = try await client.query(
                """
                SELECT c.relname::text AS name,
                       EXISTS (
                           SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                       ) AS tenant
                FROM pg_class c
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                """
            ).map { (name: try $0.decode(String.self, column: "name"), tenant: try $0.decode(Bool.self, column: "tenant")) }
            let references = try await client.query(
                """
                SELECT DISTINCT child.relname::text AS child, parent.relname::text AS parent
                FROM pg_constraint k JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
                WHERE k.contype = 'f' AND child.relnamespace = 'public'::regnamespace AND k.conrelid <> k.confrelid
                """
            ).map { (child: try $0.decode(String.self, column: "child"), parent: try $0.decode(String.self, column: "parent")) }
            #expect(tables.count > 40 && references.count > 40, "\(tables.count) tables, \(references.count) references")

            var problems: [String] = []
            for table in tables {
                let named = calls.filter { $0.table == table.name }
                let wanted =
                    table.tenant
                    ? "create_distributed_table('\(table.name)', 'tenant_id', colocate_with => …)"
                    : "create_reference_table('\(table.name)')"
                // The migrator's table stays a plain table on the coordinator, where the migrator runs.
                if table.name == "keyplan_migrations" {
                    if !named.isEmpty { problems.append("keyplan_migrations is named, but stays a plain table") }
                } else if named.isEmpty {
                    problems.append("\(table.name) is missing: \(wanted)")
                } else if named.count > 1 {
                    problems.append("\(table.name) is named \(named.count) times")
                } else if table.tenant ? named[0].kind != "distributed" || named[0].column != "tenant_id" : named[0].kind != "reference" {
                    problems.append("\(table.name) is a \(table.tenant ? "tenant" : "global") table: \(wanted)")
                }
            }
            for call in calls where !tables.contains(where: { $0.name == call.table }) {
                problems.append("\(call.table) is named, but the schema has no such table")
            }
            let position = Dictionary(calls.enumerated().map { ($1.table, $0) }, uniquingKeysWith: { first, _ in first })
            for reference in references {
                if let child = position[reference.child], let parent = position[reference.parent], parent > child {
                    problems.append("\(reference.child) comes before \(reference.parent), which it references")
                }
            }
            // One co-location group: the first distributed table's.
            let distributed = calls.filter { $0.kind == "distributed" }
            if let first = distributed.first {
                if first.colocateWith != nil {
                    problems.append("\(first.table), the first distributed table, names a table to co-locate with")
                }
                for call in distributed.dropFirst() where call.colocateWith != first.table {
                    problems.append("\(call.table) is not co-located with \(first.table)")
                }
            }
            #expect(problems.isEmpty, "Schema/citus/distribute.sql does not match the schema:\n\(problems.joined(separator: "\n"))")
        }
    }
}
