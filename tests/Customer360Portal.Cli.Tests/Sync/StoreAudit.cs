namespace Customer360Portal.Cli.Tests.Sync;

/// <summary>What the store holds for one source after a crash test, read straight from the SQLite file.</summary>
public sealed record StoreAudit(long StoredRows, long QuarantinedRows, long RepeatedKeys, string PayloadChecksum, string IdChecksum)
{
    public static StoreAudit Read(string databaseFile, string sourceKey)
    {
        using var connection = SourceCounters.OpenReadOnly(databaseFile);
        var hashes = new List<string>();
        var ids = new List<string>();
        long stored = 0, quarantined = 0;
        foreach (var table in new[] { "SourceRecords", "Quarantine" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT ExternalId, PayloadHash FROM {table} WHERE SourceKey = $key";
            command.Parameters.AddWithValue("$key", sourceKey);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.IsDBNull(0) ? CrashTestData.NoId : reader.GetString(0));
                hashes.Add(reader.GetString(1));
                if (table == "SourceRecords") stored++; else quarantined++;
            }
        }
        return new StoreAudit(stored, quarantined,
            Scalar(connection, "SELECT COUNT(*) FROM (SELECT 1 FROM SourceRecords WHERE SourceKey = $key GROUP BY ExternalId, PayloadHash HAVING COUNT(*) > 1)", sourceKey),
            CrashTestData.Checksum(hashes), CrashTestData.Checksum(ids));
    }

    private static long Scalar(Microsoft.Data.Sqlite.SqliteConnection connection, string sql, string sourceKey)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$key", sourceKey);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
