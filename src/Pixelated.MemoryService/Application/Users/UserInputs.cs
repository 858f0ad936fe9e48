using System.Text.Json.Nodes;

namespace Pixelated.MemoryService.Application.Users;

/// <summary>A user to create (<c>POST /api/v1/users</c>); <see cref="UserId"/> defaults to <c>usr_</c> + 32 hex digits.</summary>
public sealed record NewUser(string? UserId, string? Email, string? Name, string? Role, JsonNode? Metadata);

/// <summary>
/// Changes to a profile (<c>PUT /api/v1/users/{userId}</c>); absent fields stay as they are. <see cref="Metadata"/>
/// replaces the caller-owned part of the stored metadata; <see cref="Role"/> is for admins only.
/// </summary>
public sealed record UserChanges(string? Name, string? Status, JsonNode? Metadata, string? Role);

/// <summary>The therapists who may see a patient (<c>PUT /api/v1/users/{patientId}/therapists</c>): replaces the set.</summary>
public sealed record TherapistSet(IReadOnlyList<string?>? TherapistIds);
