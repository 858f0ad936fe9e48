using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Pixelated.MemoryService.Data.Entities;

namespace Pixelated.MemoryService.Data;

/// <summary>The memory service's own database: sessions, therapist assignments, idempotency keys and audit. No clinical text: Zep is its only store.</summary>
public abstract class MemoryDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<SessionRow> Sessions => Set<SessionRow>();
    public DbSet<TherapistAssignment> Assignments => Set<TherapistAssignment>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<SessionRow>(e =>
        {
            e.ToTable("sessions");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(500);
            e.Property(s => s.UserId).HasMaxLength(500);
            e.Property(s => s.StartedBy).HasMaxLength(500);
            e.Property(s => s.CloseReason).HasMaxLength(32);
            e.HasIndex(s => s.UserId);
            e.HasIndex(s => new { s.ClosedAt, s.ExpiresAt });
        });
        model.Entity<TherapistAssignment>(e =>
        {
            e.ToTable("therapist_assignments");
            e.HasKey(a => new { a.PatientId, a.TherapistId });
            e.Property(a => a.PatientId).HasMaxLength(500);
            e.Property(a => a.TherapistId).HasMaxLength(500);
            e.Property(a => a.AssignedBy).HasMaxLength(500);
            e.HasIndex(a => a.TherapistId);
        });
        model.Entity<IdempotencyRecord>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(r => new { r.CallerId, r.Key });
            e.Property(r => r.CallerId).HasMaxLength(500);
            e.Property(r => r.Key).HasMaxLength(200);
            e.Property(r => r.RequestHash).HasMaxLength(64);
            e.Property(r => r.ContentType).HasMaxLength(200);
            e.Property(r => r.Location).HasMaxLength(1000);
            e.HasIndex(r => r.CreatedAt);
        });
        model.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit");
            e.HasKey(a => a.Id);
            e.Property(a => a.ActorId).HasMaxLength(500);
            e.Property(a => a.ActorRole).HasMaxLength(32);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.SubjectUserId).HasMaxLength(500);
            e.Property(a => a.SessionId).HasMaxLength(500);
            e.Property(a => a.Outcome).HasMaxLength(16);
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
            e.HasIndex(a => a.SubjectUserId);
            e.HasIndex(a => a.At);
        });
    }
}

/// <summary>On PostgreSQL (several instances). Its migrations live in Data/Migrations/Postgres.</summary>
public sealed class PostgresMemoryDbContext(DbContextOptions<PostgresMemoryDbContext> options) : MemoryDbContext(options);

/// <summary>
/// On SQLite (one instance, the default). Its migrations live in Data/Migrations/Sqlite. Instants are stored as numbers
/// (all UTC), so SQLite can compare and order them (expiry sweeps, audit and key retention).
/// </summary>
public sealed class SqliteMemoryDbContext(DbContextOptions<SqliteMemoryDbContext> options) : MemoryDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
