using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace Customer360Portal.Data;

/// <summary>
/// One statement stepped through SQLitePCL directly, for scans of millions of rows (churn features, offer histories):
/// the ADO.NET reader makes a string of every text value it hands out, here text is read as the UTF-8 bytes SQLite
/// holds. Also for writes of millions of rows (offer scores): one prepared statement bound by position, stepped and
/// reset, without ADO.NET's per-row parameter objects. SQLite only. Errors carry SQLite's own message, which names the
/// statement's problem, never a row's values.
/// Column values are read by calling SQLite's column functions on the statement's raw pointer: SQLitePCL passes its
/// handle object, which costs a reference count up and down per call, and a scan of 14 million order lines makes
/// about 15 calls a row (measured: the offer history scan spent 12 s of CPU, of which SQLite's own work is 2.6 s).
/// </summary>
public sealed class DirectSqliteStatement : IDisposable
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt statement;
    // Valid while the statement is: it is finalized only by Dispose.
    private readonly IntPtr handle;

    /// <param name="connection">An open connection (the statement runs in its transaction, if any).</param>
    public DirectSqliteStatement(SqliteConnection connection, string sql)
        : this(connection.Handle ?? throw new InvalidOperationException("The store's connection is not open."), sql)
    {
    }

    /// <summary>A statement on a read connection (disposed before it).</summary>
    public DirectSqliteStatement(SqliteReadConnection connection, string sql) : this(connection.Db, sql)
    {
    }

    private DirectSqliteStatement(sqlite3 db, string sql)
    {
        this.db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out statement));
        handle = statement.DangerousGetHandle();
    }

    /// <summary>
    /// The SQL of a command EF made for a query (<c>query.CreateDbCommand()</c>) with its parameters bound as
    /// Microsoft.Data.Sqlite binds them: the query keeps EF's translation, and its rows are read here.
    /// </summary>
    public static DirectSqliteStatement FromCommand(SqliteConnection connection, System.Data.Common.DbCommand command) =>
        BindAll(new DirectSqliteStatement(connection, command.CommandText), command);

    /// <summary>As <see cref="FromCommand(SqliteConnection, System.Data.Common.DbCommand)"/>, on a read connection.</summary>
    public static DirectSqliteStatement FromCommand(SqliteReadConnection connection, System.Data.Common.DbCommand command) =>
        BindAll(new DirectSqliteStatement(connection, command.CommandText), command);

    private static DirectSqliteStatement BindAll(DirectSqliteStatement statement, System.Data.Common.DbCommand command)
    {
        try
        {
            foreach (System.Data.Common.DbParameter parameter in command.Parameters)
            {
                // A name without its prefix (raw SQL's "p0") matches "@p0", ":p0" or "$p0", as Microsoft.Data.Sqlite matches it.
                var name = parameter.ParameterName;
                var at = name.Length > 0 && name[0] is '@' or ':' or '$' ? statement.Parameter(name)
                    : new[] { "@", ":", "$" }.Select(prefix => raw.sqlite3_bind_parameter_index(statement.statement, prefix + name)).FirstOrDefault(i => i > 0) is var found and > 0
                        ? found : statement.Parameter(name);
                switch (parameter.Value)
                {
                    case null or DBNull: statement.Check(raw.sqlite3_bind_null(statement.statement, at)); break;
                    case string text: statement.Bind(at, text); break;
                    case long or int or short or byte or bool: statement.Bind(at, Convert.ToInt64(parameter.Value, System.Globalization.CultureInfo.InvariantCulture)); break;
                    case double or float: statement.Bind(at, Convert.ToDouble(parameter.Value, System.Globalization.CultureInfo.InvariantCulture)); break;
                    case DateTime time: statement.Bind(at, time); break;
                    default: throw new NotSupportedException($"A query parameter of type {parameter.Value.GetType().Name} is not bound here.");
                }
            }
            return statement;
        }
        catch
        {
            statement.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs an EF query on a read connection to the store (<see cref="SqliteReadConnection"/>) and hands every row to
    /// <paramref name="onRow"/> as this statement (columns in the query's select order): EF's translation, without an
    /// object per row. For reads of a million rows and more; the caller checks <c>Database.IsSqlite()</c>. Synchronous,
    /// as SQLite's I/O is anyway, and on the calling thread, the read connection's only user.
    /// </summary>
    public static void ForEachRow(DbContext store, IQueryable query, Action<DirectSqliteStatement> onRow, CancellationToken cancellationToken)
    {
        using var command = query.CreateDbCommand();
        // EF's translation of decimals and Regex.IsMatch calls functions only EF's own connections have.
        using var connection = command.CommandText.Contains("ef_", StringComparison.Ordinal) || command.CommandText.Contains("regexp", StringComparison.OrdinalIgnoreCase)
            ? SqliteReadConnection.Borrow(store) : SqliteReadConnection.Open(store);
        using var statement = FromCommand(connection, command);
        for (var n = 0; statement.Read(); n++)
        {
            if ((n & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            onRow(statement);
        }
    }

    public void Bind(string name, long value) => Check(raw.sqlite3_bind_int64(statement, Parameter(name), value));

    public void Bind(string name, string value) => Check(raw.sqlite3_bind_text(statement, Parameter(name), value));

    /// <summary>Index of a named parameter, for the positional binds of a statement run many times.</summary>
    public int Parameter(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(statement, name);
        return index > 0 ? index : throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));
    }

    /// <summary>Binds by position (1-based, as SQLite counts). Bindings stay through <see cref="Reset"/>.</summary>
    public void Bind(int parameter, long value) => Check(raw.sqlite3_bind_int64(statement, parameter, value));

    public void Bind(int parameter, long? value) => Check(value is { } v ? raw.sqlite3_bind_int64(statement, parameter, v) : raw.sqlite3_bind_null(statement, parameter));

    public void Bind(int parameter, double value) => Check(raw.sqlite3_bind_double(statement, parameter, value));

    /// <summary>Text, or NULL for null.</summary>
    public void Bind(int parameter, string? value) => Check(value is null ? raw.sqlite3_bind_null(statement, parameter) : raw.sqlite3_bind_text(statement, parameter, value));

    /// <summary>A time as Microsoft.Data.Sqlite binds one: the text EF stores and compares against.</summary>
    public void Bind(int parameter, DateTime value) =>
        Bind(parameter, value.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Runs a statement that returns no rows and makes it ready to run again; returns how many rows it changed.</summary>
    public int ExecuteAndReset()
    {
        try
        {
            return Execute();
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs a statement that returns no rows; returns how many rows it changed. <see cref="Reset"/> before running it again.</summary>
    public int Execute()
    {
        var code = raw.sqlite3_step(statement);
        if (code == raw.SQLITE_ROW) throw new InvalidOperationException("The statement returns rows: read them with Read.");
        Check(code);
        return raw.sqlite3_changes(db);
    }

    /// <summary>Makes the statement ready to run again with its current bindings.</summary>
    public void Reset() => raw.sqlite3_reset(statement);

    /// <summary>Moves to the next row; false when there is none left.</summary>
    public bool Read()
    {
        var code = Native.Step(handle);
        if (code == raw.SQLITE_ROW) return true;
        Check(code);
        return false;
    }

    public bool IsNull(int column) => Native.ColumnType(handle, column) == raw.SQLITE_NULL;

    public long Int64(int column) => Native.ColumnInt64(handle, column);

    /// <summary>A text value's UTF-8 bytes as SQLite holds them: valid until the next <see cref="Read"/>.</summary>
    public unsafe ReadOnlySpan<byte> Utf8(int column)
    {
        // The pointer first, then the length (SQLite's documented order: the length is then the pointed value's).
        var bytes = Native.ColumnBlob(handle, column);
        return bytes == IntPtr.Zero ? [] : new ReadOnlySpan<byte>((void*)bytes, Native.ColumnBytes(handle, column));
    }

    public string? Text(int column) => IsNull(column) ? null : raw.sqlite3_column_text(statement, column).utf8_to_string();

    public void Dispose() => statement.Dispose();

    private void Check(int code)
    {
        if (code is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), code);
    }

    /// <summary>
    /// SQLite's statement functions, from the same native library SQLitePCL loads (the e_sqlite3 bundle). The column
    /// functions only read the current row of a statement this thread owns, so they skip the runtime's GC transition.
    /// </summary>
    private static class Native
    {
        private const string Library = "e_sqlite3";

        // Reads pages (I/O, locks): with the GC transition.
        [DllImport(Library, EntryPoint = "sqlite3_step")]
        public static extern int Step(IntPtr statement);

        [DllImport(Library, EntryPoint = "sqlite3_column_int64"), SuppressGCTransition]
        public static extern long ColumnInt64(IntPtr statement, int column);

        [DllImport(Library, EntryPoint = "sqlite3_column_type"), SuppressGCTransition]
        public static extern int ColumnType(IntPtr statement, int column);

        [DllImport(Library, EntryPoint = "sqlite3_column_blob"), SuppressGCTransition]
        public static extern IntPtr ColumnBlob(IntPtr statement, int column);

        [DllImport(Library, EntryPoint = "sqlite3_column_bytes"), SuppressGCTransition]
        public static extern int ColumnBytes(IntPtr statement, int column);
    }
}
