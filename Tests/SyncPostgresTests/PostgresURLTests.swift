import SyncPostgres
import Testing

/// `--postgres URL` parsing: defaults, decoding, and one clear reason for each bad URL. No server needed.
struct PostgresURLTests {
    @Test func defaultsAndDecoding() throws {
        let short = try PostgresURL("postgres://plansync@db.example")
        #expect(short.host == "db.example" && short.port == 5432 && short.user == "plansync" && short.database == "postgres" && !short.requireTLS)
        let full = try PostgresURL("postgresql://ops:p%40ss%2Fword@10.0.0.5:6543/plan_sync?sslmode=require")
        #expect(full.host == "10.0.0.5" && full.port == 6543 && full.user == "ops" && full.database == "plan_sync" && full.requireTLS)
        // The password never shows in what is logged or printed.
        #expect("\(full)" == "postgres://ops@10.0.0.5:6543/plan_sync")
        #expect(full.with(database: "other").database == "other" && full.with(database: "other").port == 6543)
    }

    @Test(arguments: [
        ("http://u@db/x", "bad PostgreSQL URL: expected postgres://USER@HOST:PORT/DATABASE, got scheme http"),
        ("postgres://db/x", "bad PostgreSQL URL: no user (postgres://USER@HOST/DATABASE)"),
        ("postgres://u:secret@/x", "bad PostgreSQL URL: no host (postgres://USER@HOST/DATABASE)"),
        ("postgres://u@db:0/x", "bad PostgreSQL URL: port 0 is out of range"),
        ("postgres://u@db/x?sslmode=verify-full", "bad PostgreSQL URL: sslmode=verify-full: expected disable or require"),
        ("postgres://u@db/x?application_name=a", "bad PostgreSQL URL: unknown parameter application_name"),
        ("not a url at all", "bad PostgreSQL URL: expected postgres://USER@HOST:PORT/DATABASE"),
    ])
    func badURLsSayWhy(text: String, message: String) {
        do {
            _ = try PostgresURL(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description == message)
        }
    }
}
