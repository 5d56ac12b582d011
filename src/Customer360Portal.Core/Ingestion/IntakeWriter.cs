using System.Data.Common;
using Customer360Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Ingestion;

/// <summary>One record ready to be written: accepted (with its normalised form) or quarantined (with its reasons).</summary>
public sealed record IntakeItem(
    string Kind,
    string? ExternalId,
    string PayloadJson,
    string PayloadHash,
    string? NormalizedJson,
    DateTime? OccurredAt,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string>? SuppressionHashes = null)
{
    public bool Accepted => NormalizedJson is not null;

    /// <summary>The idempotency key's version part, as the insert statements derive it in SQL (first 16 hex digits).</summary>
    public string VersionKey => PayloadHash[..16];
}

public enum IntakeStatus { Stored, Duplicate, Quarantined, QuarantinedDuplicate, Suppressed }

/// <summary>What happened to each item of a batch, in order, and the source's counters after it.</summary>
public sealed record BatchOutcome(IReadOnlyList<IntakeStatus> Statuses)
{
    public int Stored => Statuses.Count(s => s == IntakeStatus.Stored);
    public int Duplicates => Statuses.Count(s => s is IntakeStatus.Duplicate or IntakeStatus.QuarantinedDuplicate);
    public int Quarantined => Statuses.Count(s => s == IntakeStatus.Quarantined);
    /// <summary>Records of erased people (their identifiers are on the suppression list): counted, not stored.</summary>
    public int Suppressed => Statuses.Count(s => s == IntakeStatus.Suppressed);
}

/// <summary>
/// The single write path of intake: a batch of source records, quarantined records, the source's counters and its
/// checkpoint in one short transaction, so a crash loses and duplicates nothing. Plain ADO.NET with prepared
/// statements (no change tracking) because this path must sustain tens of thousands of records per second.
/// </summary>
public sealed class IntakeWriter(IDbContextFactory<ProfileStore> stores, TimeProvider clock, Privacy.SuppressionList suppressions)
{
    public async Task<BatchOutcome> WriteAsync(string sourceKey, IReadOnlyList<IntakeItem> items, string? cursor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var sql = IntakeSql.For(store.Database.ProviderName);
        var connection = store.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        if (sql == IntakeSql.Sqlite)
        {
            // The writer's connection keeps the idempotency index in memory (256 MB ceiling, used as needed) and
            // checkpoints the WAL less often during bulk loads.
            await using var tune = connection.CreateCommand();
            tune.CommandText = "PRAGMA cache_size=-262144; PRAGMA wal_autocheckpoint=10000;";
            await tune.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var suppressed = items.Any(i => i.SuppressionHashes is { Count: > 0 })
            ? await suppressions.CurrentAsync(store, cancellationToken) : (IReadOnlySet<string>)new HashSet<string>();
        await using var insertRecord = RecordInsert(connection, transaction, sql);
        await using var insertQuarantine = Command(connection, transaction, sql.InsertQuarantine,
            "key", "externalId", "kind", "payload", "hash", "reason", "receivedAt");

        var statuses = new IntakeStatus[items.Count];
        DateTime? newest = null;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Accepted && suppressed.Count > 0 && item.SuppressionHashes is { } hashes && hashes.Any(suppressed.Contains))
            {
                statuses[i] = IntakeStatus.Suppressed;
            }
            else if (item.Accepted)
            {
                BindRecord(insertRecord, sourceKey, item, now);
                // Synchronous on purpose: SQLite has no async I/O, and a Task per row costs more than the insert.
                statuses[i] = insertRecord.ExecuteNonQuery() == 1 ? IntakeStatus.Stored : IntakeStatus.Duplicate;
                if (newest is null || item.OccurredAt > newest) newest = item.OccurredAt;
            }
            else
            {
                Set(insertQuarantine, sourceKey, (object?)item.ExternalId ?? DBNull.Value, item.Kind, item.PayloadJson, item.PayloadHash,
                    Truncate(string.Join("; ", item.Reasons), 2000), now);
                statuses[i] = insertQuarantine.ExecuteNonQuery() == 1 ? IntakeStatus.Quarantined : IntakeStatus.QuarantinedDuplicate;
            }
        }

        var outcome = new BatchOutcome(statuses);
        await using (var counters = Command(connection, transaction, sql.UpdateSourceCounters,
            "key", "received", "stored", "duplicates", "quarantined", "suppressed", "cursor", "now", "newest"))
        {
            Set(counters, sourceKey, items.Count, outcome.Stored, outcome.Duplicates, outcome.Quarantined, outcome.Suppressed,
                (object?)cursor ?? DBNull.Value, now, (object?)newest ?? DBNull.Value);
            if (await counters.ExecuteNonQueryAsync(cancellationToken) != 1)
                throw new UnknownSourceException(sourceKey);
        }

        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    /// <summary>The prepared source-record insert; quarantine replays use it too, so both write rows the same way.</summary>
    internal static DbCommand RecordInsert(DbConnection connection, DbTransaction transaction, IntakeSql sql) =>
        Command(connection, transaction, sql.InsertSourceRecord, "key", "externalId", "kind", "payload", "normalized", "hash", "occurredAt", "receivedAt");

    internal static void BindRecord(DbCommand insert, string sourceKey, IntakeItem item, DateTime receivedAt) =>
        Set(insert, sourceKey, item.ExternalId!, item.Kind, item.PayloadJson, item.NormalizedJson!, item.PayloadHash, item.OccurredAt!.Value, receivedAt);

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string text, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static void Set(DbCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i];
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

public sealed class UnknownSourceException(string sourceKey) : Exception($"No data source is registered under the key '{sourceKey}'.")
{
    public string SourceKey { get; } = sourceKey;
}

/// <summary>
/// The hot statements of intake per provider. The version key (the first 16 hex digits of the payload hash) is derived
/// in SQL so every caller passes the full hash. SQLite uses INSERT OR IGNORE against the idempotency index; SQL Server
/// an insert guarded by NOT EXISTS under a key-range lock (tests parse these with ScriptDom, as no SQL Server runs here).
/// </summary>
public sealed record IntakeSql(string InsertSourceRecord, string InsertQuarantine, string UpdateSourceCounters)
{
    private const string CountersSet = """
        UPDATE DataSources SET
            Received = Received + @received, Stored = Stored + @stored, Duplicates = Duplicates + @duplicates,
            Quarantined = Quarantined + @quarantined, Suppressed = Suppressed + @suppressed, [Cursor] = COALESCE(@cursor, [Cursor]),
            LastRunAt = @now, LastSuccessAt = @now, LastError = NULL,
            LastRecordAt = CASE WHEN @newest IS NOT NULL AND (LastRecordAt IS NULL OR LastRecordAt < @newest) THEN @newest ELSE LastRecordAt END
        WHERE [Key] = @key
        """;

    public static readonly IntakeSql Sqlite = new(
        """
        INSERT OR IGNORE INTO SourceRecords (SourceKey, ExternalId, Kind, PayloadJson, NormalizedJson, PayloadHash, VersionKey, OccurredAt, ReceivedAt, Status)
        VALUES (@key, @externalId, @kind, @payload, @normalized, @hash, substr(@hash, 1, 16), @occurredAt, @receivedAt, 'Pending')
        """,
        """
        INSERT OR IGNORE INTO Quarantine (SourceKey, ExternalId, Kind, PayloadJson, PayloadHash, Reason, ReceivedAt)
        VALUES (@key, @externalId, @kind, @payload, @hash, @reason, @receivedAt)
        """,
        CountersSet);

    public static readonly IntakeSql SqlServer = new(
        """
        INSERT INTO SourceRecords (SourceKey, ExternalId, Kind, PayloadJson, NormalizedJson, PayloadHash, VersionKey, OccurredAt, ReceivedAt, Status)
        SELECT @key, @externalId, @kind, @payload, @normalized, @hash, LEFT(@hash, 16), @occurredAt, @receivedAt, N'Pending'
        WHERE NOT EXISTS (SELECT 1 FROM SourceRecords WITH (UPDLOCK, HOLDLOCK)
                          WHERE SourceKey = @key AND ExternalId = @externalId AND VersionKey = LEFT(@hash, 16))
        """,
        """
        INSERT INTO Quarantine (SourceKey, ExternalId, Kind, PayloadJson, PayloadHash, Reason, ReceivedAt)
        SELECT @key, @externalId, @kind, @payload, @hash, @reason, @receivedAt
        WHERE NOT EXISTS (SELECT 1 FROM Quarantine WITH (UPDLOCK, HOLDLOCK) WHERE SourceKey = @key AND PayloadHash = @hash)
        """,
        CountersSet);

    public static IntakeSql For(string? providerName) =>
        providerName?.Contains("SqlServer", StringComparison.Ordinal) == true ? SqlServer : Sqlite;
}
