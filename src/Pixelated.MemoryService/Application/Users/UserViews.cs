using System.Text.Json.Nodes;

namespace Pixelated.MemoryService.Application.Users;

/// <summary>A created user: ids and states only (write answers are kept by the idempotency store, so never an e-mail or a name).</summary>
public sealed record UserCreated(string UserId, string Role, string Status, DateTimeOffset CreatedAt);

/// <summary>A profile as read: the caller-owned part of the metadata only (reserved keys are the service's and the migration's).</summary>
public sealed record UserProfile(string UserId, string? Email, string? Name, string? Role, string Status, JsonObject Metadata, DateTimeOffset? CreatedAt);

/// <summary>A changed profile: ids and states only.</summary>
public sealed record UserUpdated(string UserId, string? Role, string Status);

/// <summary>An erased user: Zep's user (threads, graph) and the service's rows are gone; the audit rows stay.</summary>
public sealed record UserErased(string UserId, bool Erased, int SessionsRemoved);

/// <summary>A patient's therapists after an assignment.</summary>
public sealed record TherapistsAssigned(string PatientId, IReadOnlyList<string> TherapistIds);
