namespace DirectAuth.Server.Storage;

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The storage in use, as resolved from configuration at start.</summary>
public sealed record StorageSettings(StorageProvider Provider, string ConnectionString);
