using System.Data.Common;
using Customer360Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// Prepared-statement writes of many rows of one entity type through the store's own connection and transaction,
/// driven by the EF model (table and column names, value converters such as enums stored as text), so one code path
/// serves SQLite and SQL Server. Used where change tracking would cost more than the work itself (re-resolving a
/// whole store).
/// </summary>
public sealed class BulkRows<T> : IAsyncDisposable where T : class
{
    private readonly DbCommand command;
    private readonly (IProperty Property, DbParameter Parameter, ValueConverter? Converter)[] columns;
    // Multi-row inserts: one statement carries many rows (SQLite and SQL Server both pay per statement, not per row).
    private readonly DbCommand? single;
    private readonly int rowsPerStatement = 1;
    private int buffered;

    private BulkRows(DbCommand command, (IProperty, DbParameter, ValueConverter?)[] columns, DbCommand? single = null, int rowsPerStatement = 1)
    {
        this.command = command;
        this.columns = columns;
        this.single = single;
        this.rowsPerStatement = rowsPerStatement;
    }

    /// <summary>
    /// INSERT of many rows per statement (rows are sent when a statement is full, and on <see cref="Flush"/> or
    /// dispose). With <paramref name="explicitKeys"/> the caller sets generated keys itself (it holds the write lock
    /// and knows the next free id), which is what lets profiles be inserted many at a time.
    /// </summary>
    public static BulkRows<T> InsertMany(ProfileStore store, DbTransaction? transaction, bool explicitKeys = false)
    {
        var (entity, table, quote) = Describe(store);
        var generated = GeneratedKey(entity);
        var properties = entity.GetProperties().Where(p => explicitKeys || p != generated).ToArray();
        var names = string.Join(", ", properties.Select(p => quote(p.GetColumnName())));
        // SQL Server takes at most 2,100 parameters a statement; SQLite finds each parameter by name (a linear search
        // per parameter), so its statements stay small.
        var rows = Math.Clamp((store.Database.IsSqlServer() ? 2_000 : 120) / properties.Length, 1, 100);
        string Statement(int count)
        {
            var values = string.Join(", ", Enumerable.Range(0, count).Select(r =>
                "(" + string.Join(", ", properties.Select((_, c) => "@p" + (r * properties.Length + c))) + ")"));
            var sql = $"INSERT INTO {table} ({names}) VALUES {values}";
            return explicitKeys && generated is not null && store.Database.IsSqlServer()
                ? $"SET IDENTITY_INSERT {table} ON; {sql}; SET IDENTITY_INSERT {table} OFF;" : sql;
        }
        var many = Prepared(store, transaction, Statement(rows), rows * properties.Length);
        var one = Prepared(store, transaction, Statement(1), properties.Length);
        var columns = Enumerable.Range(0, rows * properties.Length)
            .Select(i => (properties[i % properties.Length], many.Parameters[i], Converter(properties[i % properties.Length]))).ToArray();
        if (many.Connection?.State == System.Data.ConnectionState.Open) { many.Prepare(); one.Prepare(); }
        return new BulkRows<T>(many, columns, one, rows);
    }

    private static IProperty? GeneratedKey(IEntityType entity)
    {
        var key = entity.FindPrimaryKey()!.Properties;
        return key.Count == 1 && key[0].ValueGenerated == ValueGenerated.OnAdd ? key[0] : null;
    }

    private static ValueConverter? Converter(IProperty property) => property.GetValueConverter() ?? property.GetTypeMapping().Converter;

    /// <summary>UPDATE of every non-key column, by key.</summary>
    public static BulkRows<T> Update(ProfileStore store, DbTransaction? transaction)
    {
        var (entity, table, quote) = Describe(store);
        var key = entity.FindPrimaryKey()!.Properties;
        var properties = entity.GetProperties().Where(p => !key.Contains(p)).Concat(key).ToArray();
        var sets = string.Join(", ", properties.Take(properties.Length - key.Count).Select((p, i) => $"{quote(p.GetColumnName())} = @p{i}"));
        var where = string.Join(" AND ", key.Select((p, k) => $"{quote(p.GetColumnName())} = @p{properties.Length - key.Count + k}"));
        return Build(store, transaction, $"UPDATE {table} SET {sets} WHERE {where}", properties);
    }

    /// <summary>
    /// UPDATE of every column but the key and the matched ones, in the rows whose matched columns hold the row's values
    /// (for rows known by what they are about rather than by id); <see cref="Write"/> returns how many rows matched.
    /// </summary>
    public static BulkRows<T> UpdateMatching(ProfileStore store, DbTransaction? transaction, params string[] matchedProperties)
    {
        var (entity, table, quote) = Describe(store);
        var key = entity.FindPrimaryKey()!.Properties;
        var matched = matchedProperties.Select(name => entity.FindProperty(name) ?? throw new ArgumentException($"{typeof(T).Name} has no {name}.", nameof(matchedProperties))).ToArray();
        var set = entity.GetProperties().Where(p => !key.Contains(p) && !matched.Contains(p)).ToArray();
        var sets = string.Join(", ", set.Select((p, i) => $"{quote(p.GetColumnName())} = @p{i}"));
        var where = string.Join(" AND ", matched.Select((p, k) => $"{quote(p.GetColumnName())} = @p{set.Length + k}"));
        return Build(store, transaction, $"UPDATE {table} SET {sets} WHERE {where}", [.. set, .. matched]);
    }

    /// <summary>Writes one row (or buffers it, for <see cref="InsertMany"/>); returns the rows affected when a statement ran.</summary>
    public long Write(T row)
    {
        if (single is not null)
        {
            var width = columns.Length / rowsPerStatement;
            Bind(row, buffered * width, width);
            if (++buffered < rowsPerStatement) return 0;
            buffered = 0;
            return command.ExecuteNonQuery();
        }
        Bind(row, 0, columns.Length);
        // Synchronous on purpose: SQLite has no async I/O, and a Task per row costs more than the write.
        return command.ExecuteNonQuery();
    }

    /// <summary>Sends rows still waiting for a full multi-row statement.</summary>
    public void Flush()
    {
        if (single is null || buffered == 0) return;
        var width = columns.Length / rowsPerStatement;
        for (var r = 0; r < buffered; r++)
        {
            for (var c = 0; c < width; c++) single.Parameters[c].Value = columns[r * width + c].Parameter.Value;
            single.ExecuteNonQuery();
        }
        buffered = 0;
    }

    private void Bind(T row, int from, int width)
    {
        for (var c = from; c < from + width; c++)
        {
            var (property, parameter, converter) = columns[c];
            var value = property.GetGetter().GetClrValue(row);
            if (converter is not null && value is not null) value = converter.ConvertToProvider(value);
            parameter.Value = value ?? DBNull.Value;
        }
    }

    /// <summary>The statement's text (tests parse the SQL Server one, since no engine runs here).</summary>
    public string Sql => command.CommandText;

    public async ValueTask DisposeAsync()
    {
        Flush();
        await command.DisposeAsync();
        if (single is not null) await single.DisposeAsync();
    }

    /// <summary>A prepared statement with named parameters @p0.. on the store's connection, for ad-hoc bulk SQL.</summary>
    public static DbCommand Prepared(ProfileStore store, DbTransaction? transaction, string sql, int parameters)
    {
        var command = store.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>The table's quoted name and a column quoter, as the provider writes them.</summary>
    public static (IEntityType Entity, string Table, Func<string, string> Quote) Describe(ProfileStore store)
    {
        var entity = store.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        Func<string, string> quote = store.Database.IsSqlServer() ? n => $"[{n}]" : n => $"\"{n}\"";
        var schema = entity.GetSchema();
        var table = (schema is null ? "" : quote(schema) + ".") + quote(entity.GetTableName()!);
        return (entity, table, quote);
    }

    private static BulkRows<T> Build(ProfileStore store, DbTransaction? transaction, string sql, IProperty[] properties)
    {
        var command = Prepared(store, transaction, sql, properties.Length);
        var columns = properties.Select((p, i) => (p, command.Parameters[i], Converter(p))).ToArray();
        if (command.Connection?.State == System.Data.ConnectionState.Open) command.Prepare();
        return new BulkRows<T>(command, columns);
    }
}
