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
    private readonly bool returnsKey;

    private BulkRows(DbCommand command, (IProperty, DbParameter, ValueConverter?)[] columns, bool returnsKey)
    {
        this.command = command;
        this.columns = columns;
        this.returnsKey = returnsKey;
    }

    /// <summary>INSERT of every column except a store-generated key; <see cref="Write"/> then returns the new key.</summary>
    public static BulkRows<T> Insert(ProfileStore store, DbTransaction? transaction)
    {
        var (entity, table, quote) = Describe(store);
        var key = entity.FindPrimaryKey()!.Properties;
        var generated = key.Count == 1 && key[0].ValueGenerated == ValueGenerated.OnAdd ? key[0] : null;
        var properties = entity.GetProperties().Where(p => p != generated).ToArray();
        var names = string.Join(", ", properties.Select(p => quote(p.GetColumnName())));
        var values = string.Join(", ", properties.Select((_, i) => "@p" + i));
        var sqlServer = store.Database.IsSqlServer();
        var sql = generated is null ? $"INSERT INTO {table} ({names}) VALUES ({values})"
            : sqlServer ? $"INSERT INTO {table} ({names}) OUTPUT INSERTED.{quote(generated.GetColumnName())} VALUES ({values})"
            : $"INSERT INTO {table} ({names}) VALUES ({values}) RETURNING {quote(generated.GetColumnName())}";
        return Build(store, transaction, sql, properties, generated is not null);
    }

    /// <summary>UPDATE of every non-key column, by key.</summary>
    public static BulkRows<T> Update(ProfileStore store, DbTransaction? transaction)
    {
        var (entity, table, quote) = Describe(store);
        var key = entity.FindPrimaryKey()!.Properties;
        var properties = entity.GetProperties().Where(p => !key.Contains(p)).Concat(key).ToArray();
        var sets = string.Join(", ", properties.Take(properties.Length - key.Count).Select((p, i) => $"{quote(p.GetColumnName())} = @p{i}"));
        var where = string.Join(" AND ", key.Select((p, k) => $"{quote(p.GetColumnName())} = @p{properties.Length - key.Count + k}"));
        return Build(store, transaction, $"UPDATE {table} SET {sets} WHERE {where}", properties, false);
    }

    /// <summary>Writes one row; returns the generated key for inserts that have one, else the rows affected.</summary>
    public long Write(T row)
    {
        foreach (var (property, parameter, converter) in columns)
        {
            var value = property.GetGetter().GetClrValue(row);
            if (converter is not null && value is not null) value = converter.ConvertToProvider(value);
            parameter.Value = value ?? DBNull.Value;
        }
        // Synchronous on purpose: SQLite has no async I/O, and a Task per row costs more than the write.
        return returnsKey ? Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) : command.ExecuteNonQuery();
    }

    /// <summary>The statement's text (tests parse the SQL Server one, since no engine runs here).</summary>
    public string Sql => command.CommandText;

    public ValueTask DisposeAsync() => command.DisposeAsync();

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

    private static BulkRows<T> Build(ProfileStore store, DbTransaction? transaction, string sql, IProperty[] properties, bool returnsKey)
    {
        var command = Prepared(store, transaction, sql, properties.Length);
        var columns = properties.Select((p, i) => (p, command.Parameters[i], p.GetValueConverter() ?? p.GetTypeMapping().Converter)).ToArray();
        if (command.Connection?.State == System.Data.ConnectionState.Open) command.Prepare();
        return new BulkRows<T>(command, columns, returnsKey);
    }
}
