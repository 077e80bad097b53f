using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace DirectAuth.Server.Storage;

/// <summary>
/// Reads one <typeparamref name="T"/> row by a unique column, for lookups that run on every request of a hot
/// path (every out-of-band poll looks up its client and its transaction). The statement and the mapping come
/// from the EF model — every mapped column, with its value converter — so the entity stays defined in one
/// place; only the plumbing differs from EF: on SQLite a few connections stay open with the statement
/// prepared (opening a pooled SQLite connection takes a process-wide lock, and each statement would be
/// parsed again), on PostgreSQL Npgsql prepares it once per pooled connection. Read only; results are not
/// tracked. Everything else keeps using <see cref="DirectAuthDb"/>.
/// </summary>
public sealed class PreparedLookup<T> : IDisposable where T : class
{
    private const int MaxIdleSqlite = 32;
    private const long MmapBytes = 1L << 30;
    private readonly StorageSettings _storage;
    private readonly string _sql;
    private readonly Func<DbDataReader, T> _materialize;
    private readonly ConcurrentQueue<SqliteCommand> _sqlite = new(); // lock-free; ConcurrentBag locks when a thread takes what another returned
    private readonly NpgsqlDataSource? _postgres;

    public PreparedLookup(StorageSettings storage, IModel model, string keyProperty)
    {
        _storage = storage;
        var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = entity.GetProperties().Where(p => p.PropertyInfo is not null).ToList();
        _materialize = Materializer(properties);
        var key = entity.FindProperty(keyProperty)!.GetColumnName(table)!;
        var parameter = storage.Provider == StorageProvider.Postgres ? "$1" : "@key";
        _sql = $"SELECT {string.Join(", ", properties.Select(p => Quote(p.GetColumnName(table)!)))} FROM {Quote(table.Name)} WHERE {Quote(key)} = {parameter}";
        if (storage.Provider == StorageProvider.Postgres)
            // These connections only ever run this one SELECT and change no session state, so resetting them
            // when they go back to the pool (an extra statement on the next use) is pure cost. Multiplexing
            // sends the lookups of concurrent requests down a few connections together: measured on the OOB
            // poll, 10 400 -> 15 500 polls/s and 76 -> 58 µs of CPU each. Npgsql's main branch has since
            // removed multiplexing (npgsql#6457); a version without it needs this flag gone, nothing else.
            _postgres = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(storage.ConnectionString) { MaxAutoPrepare = 16, NoResetOnClose = true, Multiplexing = true }.ConnectionString);
    }

    public async Task<T?> FindAsync(object key, CancellationToken ct)
    {
        if (_postgres is not null)
        {
            await using var command = _postgres.CreateCommand(_sql);
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? _materialize(reader) : null;
        }

        // SQLite runs in-process and reads from the page cache: the synchronous call does not block on I/O.
        if (!_sqlite.TryDequeue(out var prepared)) prepared = PrepareSqlite();
        var reusable = false;
        try
        {
            prepared.Parameters[0].Value = key;
            T? row;
            using (var reader = prepared.ExecuteReader()) row = reader.Read() ? _materialize(reader) : null;
            reusable = true;
            return row;
        }
        finally
        {
            if (reusable && _sqlite.Count < MaxIdleSqlite) _sqlite.Enqueue(prepared);
            else Dispose(prepared);
        }
    }

    /// <summary>
    /// Compiles <c>reader =&gt; new T { Column0 = ..., ... }</c>: each column read as its provider type and
    /// passed through the property's EF value converter (e.g. SQLite's binary DateTimeOffset), as EF would.
    /// Strings and byte arrays are read with the non-generic getters (the generic one is shared code for
    /// reference types and tests the type at run time), and only nullable columns are tested for NULL.
    /// </summary>
    private static Func<DbDataReader, T> Materializer(List<IProperty> properties)
    {
        var reader = Expression.Parameter(typeof(DbDataReader), "reader");
        var row = Expression.Variable(typeof(T), "row");
        var isNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!;
        var body = new List<Expression> { Expression.Assign(row, Expression.New(typeof(T))) };
        for (var i = 0; i < properties.Count; i++)
        {
            var property = properties[i];
            var converter = property.GetTypeMapping().Converter;
            var providerType = converter?.ProviderClrType ?? property.ClrType;
            providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
            var ordinal = Expression.Constant(i);
            var value = Read(reader, providerType, ordinal);
            if (converter is not null)
            {
                var fromProvider = converter.ConvertFromProviderExpression;
                value = Expression.Invoke(fromProvider, Expression.Convert(value, fromProvider.Parameters[0].Type));
            }
            Expression assign = Expression.Assign(Expression.Property(row, property.PropertyInfo!), Expression.Convert(value, property.ClrType));
            body.Add(property.IsNullable ? Expression.IfThen(Expression.Not(Expression.Call(reader, isNull, ordinal)), assign) : assign);
        }
        body.Add(row);
        return Expression.Lambda<Func<DbDataReader, T>>(Expression.Block([row], body), reader).Compile();
    }

    private static Expression Read(ParameterExpression reader, Type type, ConstantExpression ordinal)
    {
        if (type == typeof(string)) return Expression.Call(reader, typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetString), [typeof(int)])!, ordinal);
        if (type == typeof(byte[])) return Expression.Convert(Expression.Call(reader, typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetValue), [typeof(int)])!, ordinal), type);
        var getField = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetFieldValue), [typeof(int)])!;
        return Expression.Call(reader, getField.MakeGenericMethod(type), ordinal);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private SqliteCommand PrepareSqlite()
    {
        var connection = new SqliteConnection(_storage.ConnectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            // Pages are read straight from the operating system's file cache instead of being copied into
            // each connection's own page cache by a read() call: the lookups pick rows at random from tables
            // that outgrow a per-connection cache. These connections only read.
            pragma.CommandText = $"PRAGMA mmap_size = {MmapBytes}";
            pragma.ExecuteNonQuery();
        }
        var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.Parameters.Add(new SqliteParameter("@key", null));
        command.Prepare();
        return command;
    }

    private static void Dispose(SqliteCommand command)
    {
        var connection = command.Connection;
        command.Dispose();
        connection?.Dispose();
    }

    public void Dispose()
    {
        while (_sqlite.TryDequeue(out var command)) Dispose(command);
        _postgres?.Dispose();
    }
}

/// <summary>Builds <see cref="PreparedLookup{T}"/>s from the one EF model.</summary>
public static class PreparedLookups
{
    public static IServiceCollection AddPreparedLookup<T>(this IServiceCollection services, string keyProperty) where T : class =>
        services.AddSingleton(sp =>
        {
            using var scope = sp.CreateScope();
            var model = scope.ServiceProvider.GetRequiredService<DirectAuthDb>().Model;
            return new PreparedLookup<T>(sp.GetRequiredService<StorageSettings>(), model, keyProperty);
        });
}
