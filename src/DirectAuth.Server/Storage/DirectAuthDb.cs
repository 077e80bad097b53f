using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DirectAuth.Server.Storage;

/// <summary>
/// The one database context. Each feature folder brings its entities with an
/// <see cref="IEntityTypeConfiguration{TEntity}"/>; they are picked up from this assembly, so adding a
/// feature never edits this file. The schema itself comes from the versioned SQL scripts in <c>Schema/</c>.
/// </summary>
public sealed class DirectAuthDb(DbContextOptions<DirectAuthDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DirectAuthDb).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset text; as binary integers (all UTC here) it can.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }
}
