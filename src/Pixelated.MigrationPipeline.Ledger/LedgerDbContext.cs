using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Ledger;

/// <summary>The migration ledger: the data plane and the source of truth of every run.</summary>
public abstract class LedgerDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<MigrationRun> Runs => Set<MigrationRun>();
    public DbSet<RunUser> RunUsers => Set<RunUser>();
    public DbSet<StagedItem> StagedItems => Set<StagedItem>();
    public DbSet<ZepWriteUnit> WriteUnits => Set<ZepWriteUnit>();
    public DbSet<ValidationFinding> Findings => Set<ValidationFinding>();
    public DbSet<ZepRateBudgetState> RateBudgets => Set<ZepRateBudgetState>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<MigrationRun>(ConfigureRuns);
        b.Entity<RunUser>(ConfigureRunUsers);
        b.Entity<StagedItem>(ConfigureStagedItems);
        b.Entity<ZepWriteUnit>(ConfigureWriteUnits);
        b.Entity<ZepRateBudgetState>(ConfigureRateBudgets);
        b.Entity<ValidationFinding>(ConfigureFindings);
        b.Entity<AuditEntry>(ConfigureAudit);
    }

    private static void ConfigureRuns(EntityTypeBuilder<MigrationRun> e)
    {
        e.ToTable("runs");
        e.HasKey(x => x.Id);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.Error).HasMaxLength(4000);
        e.Property(x => x.StartedVia).HasMaxLength(32);
        e.Property(x => x.RequestedBy).HasMaxLength(200);
        e.Property(x => x.StatusReason).HasMaxLength(1000);
        e.Property(x => x.SessionFilter).HasMaxLength(1000);
        e.Property(x => x.AssignUserId).HasMaxLength(1000);
        e.Property(x => x.UsersFile).HasMaxLength(4000);
        e.Property(x => x.UserPrefix).HasMaxLength(200);
        e.Property(x => x.SourceName).HasMaxLength(300);
        e.HasIndex(x => new { x.SourceName, x.CreatedAt });
    }

    private static void ConfigureRunUsers(EntityTypeBuilder<RunUser> e)
    {
        e.ToTable("run_users");
        e.HasKey(x => new { x.RunId, x.UserKey });
        // The dispatcher counts a run's users in flight and takes the next waiting ones in key order, and the roll-up asks
        // whether any is still open, once per settled user: by status, these read the few rows concerned instead of
        // every user of the run each time (which made a run's bookkeeping grow with the square of its users).
        e.HasIndex(x => new { x.RunId, x.Status, x.UserKey });
        e.Property(x => x.UserKey).HasMaxLength(1000);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.Error).HasMaxLength(4000);
        e.Property(x => x.ZepUserId).HasMaxLength(1000);
        e.Property(x => x.Role).HasMaxLength(100);
        e.Property(x => x.RoleConflict).HasMaxLength(1000);
        e.Property(x => x.Email).HasMaxLength(500);
        e.Property(x => x.FirstName).HasMaxLength(500);
        e.Property(x => x.LastName).HasMaxLength(500);
        e.Property(x => x.ProfileHash).HasMaxLength(64);
        e.HasOne<MigrationRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
    }

    private void ConfigureStagedItems(EntityTypeBuilder<StagedItem> e)
    {
        e.ToTable("staged_items");
        e.HasKey(x => x.Id);
        // One index serves both the de-duplication of a run's items (unique per user) and loading a user's items
        // (its prefix).
        e.HasIndex(x => new { x.RunId, x.UserKey, x.ItemKey }).IsUnique();
        e.Property(x => x.UserKey).HasMaxLength(1000);
        e.Property(x => x.ItemKey).HasMaxLength(1200);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.ContentHash).HasMaxLength(64);
        e.Property(x => x.Change).HasConversion<string>().HasMaxLength(32);
        // PostgreSQL has no foreign key to runs here: rows are only written for a run created before (runs are never
        // deleted), and the per-row key check (a row lock on the run, shared by both COPY connections) cost a third of
        // the server's time when staging. SQLite keeps it: its staging inserts row by row (a prepared INSERT), where it is cheap,
        // and dropping it there would mean rebuilding the table under the views.
        if (!Database.IsNpgsql())
            e.HasOne<MigrationRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
    }

    private static void ConfigureWriteUnits(EntityTypeBuilder<ZepWriteUnit> e)
    {
        e.ToTable("zep_write_units");
        // Key first: a user's units are looked up by their keys within one target, and every unit of a ledger usually
        // has the same target, so with the target first PostgreSQL found the keys by scanning the target's units (a
        // bitmap scan on the target, the keys as a filter: 7 ms per user at 18,000 units, growing with the ledger).
        e.HasKey(x => new { x.IdempotencyKey, x.Target });
        e.Property(x => x.Target).HasMaxLength(300);
        e.Property(x => x.IdempotencyKey).HasMaxLength(64);
        e.Property(x => x.UserKey).HasMaxLength(1000);
        e.HasIndex(x => x.UserKey);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.State).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.LastError).HasMaxLength(4000);
    }

    private static void ConfigureRateBudgets(EntityTypeBuilder<ZepRateBudgetState> e)
    {
        e.ToTable("zep_rate_budget");
        e.HasKey(x => x.Target);
        e.Property(x => x.Target).HasMaxLength(300);
    }

    private static void ConfigureFindings(EntityTypeBuilder<ValidationFinding> e)
    {
        e.ToTable("validation_findings");
        e.HasKey(x => x.Id);
        e.HasIndex(x => new { x.RunId, x.UserKey });
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.Field).HasMaxLength(100);
        e.HasOne<MigrationRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
    }

    private static void ConfigureAudit(EntityTypeBuilder<AuditEntry> e)
    {
        e.ToTable("audit_log");
        e.HasKey(x => x.Id);
        e.HasIndex(x => x.At);
        e.HasIndex(x => x.RunId);
        e.Property(x => x.Actor).HasMaxLength(200);
        e.Property(x => x.Role).HasMaxLength(32);
        e.Property(x => x.Action).HasMaxLength(64);
        e.Property(x => x.Detail).HasMaxLength(2000);
    }
}

/// <summary>The ledger on PostgreSQL (distributed mode). Its migrations live in Migrations/Postgres.</summary>
public sealed class PostgresLedgerDbContext(DbContextOptions<PostgresLedgerDbContext> options) : LedgerDbContext(options);

/// <summary>The ledger on SQLite (single-process mode). Its migrations live in Migrations/Sqlite.</summary>
public sealed class SqliteLedgerDbContext(DbContextOptions<SqliteLedgerDbContext> options) : LedgerDbContext(options);
