import KeyplanPostgres

/// The revenue periods compared: the last 12 full months against the 12 before.
enum RevenueWindow {
    /// One row with the window's bounds as dates: `this_month` (excluded), `year_ago`,
    /// `two_years_ago`. Computed once per statement (a materialized CTE), so each revenue row is
    /// compared with plain dates — not with a timestamp computed and converted again per row,
    /// which took three quarters of a 240,000-row aggregate.
    static let bounds: PostgresQuery = """
        SELECT date_trunc('month', current_date)::date AS this_month,
               (date_trunc('month', current_date) - interval '12 months')::date AS year_ago,
               (date_trunc('month', current_date) - interval '24 months')::date AS two_years_ago
        """
}
