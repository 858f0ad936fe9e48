using System.Text.Json.Nodes;
using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Auth;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Application.Users;

/// <summary>
/// Creates, reads and changes users, which live in Zep (e-mail, names, metadata with the reserved <c>role</c> and
/// <c>status</c>). Every call checks access through <see cref="Guard"/> with the token's role; changes are audited.
/// </summary>
public sealed class UserService(ZepClient zep, Guard guard, TimeProvider clock)
{
    public const string Source = "memory-service";

    public async Task<Outcome<UserCreated>> CreateAsync(Caller caller, NewUser request, CancellationToken ct)
    {
        const string action = "user.create";
        if (await guard.CheckAsync<UserCreated>(caller, Operation.ManageUsers, action, request.UserId, null, ct) is { } denied) return denied;

        var userId = request.UserId ?? "usr_" + Guid.NewGuid().ToString("N");
        var role = MemoryRoles.Parse(request.Role);
        var invalid = UserValidation.UserId(userId) is { } idReason ? Outcome<UserCreated>.Invalid("userId", idReason)
            : UserValidation.Email(request.Email) is { } emailReason ? Outcome<UserCreated>.Invalid("email", emailReason)
            : UserValidation.Name(request.Name) is { } nameReason ? Outcome<UserCreated>.Invalid("name", nameReason)
            : role is null ? Outcome<UserCreated>.Invalid("role", UserValidation.RoleReason)
            : UserValidation.Metadata(request.Metadata) is { } bad ? Outcome<UserCreated>.Invalid(bad.Field, bad.Reason)
            : null;
        var subject = UserValidation.UserId(userId) is null ? userId : null;
        if (invalid is not null) return await guard.RecordAsync(caller, action, subject, null, invalid, ct);

        var metadata = (JsonObject?)request.Metadata?.DeepClone() ?? [];
        metadata["source"] = Source;
        metadata["role"] = role;
        metadata["status"] = UserStatuses.Active;
        var (first, last) = UserNames.Split(request.Name!);
        var created = await zep.CreateUserAsync(
            new CreateUserRequest(userId, metadata, first, last.Length == 0 ? null : last, request.Email), ct);
        var outcome = created
            ? Outcome<UserCreated>.Created(new UserCreated(userId, role!, UserStatuses.Active, clock.GetUtcNow()))
            : Outcome<UserCreated>.Conflict("a user with this userId already exists");
        return await guard.RecordAsync(caller, action, userId, null, outcome, ct);
    }

    /// <summary>A profile; not audited (no clinical data), but a refusal is.</summary>
    public async Task<Outcome<UserProfile>> GetAsync(Caller caller, string userId, CancellationToken ct)
    {
        if (await guard.CheckAsync<UserProfile>(caller, Operation.ReadProfile, "user.read", userId, null, ct) is { } denied) return denied;
        return await zep.GetUserAsync(userId, ct) is { } user
            ? Outcome<UserProfile>.Ok(StoredProfile.ToProfile(user))
            : Outcome<UserProfile>.NotFound("no such user");
    }

    /// <summary>
    /// Name and metadata need <see cref="Operation.UpdateProfile"/>, status <see cref="Operation.ChangeStatus"/>, role
    /// <see cref="Operation.ManageUsers"/> (a stored role is set only by an admin). The caller's metadata replaces the
    /// caller-owned part; reserved keys stay as stored.
    /// </summary>
    public async Task<Outcome<UserUpdated>> UpdateAsync(Caller caller, string userId, UserChanges changes, CancellationToken ct)
    {
        const string action = "user.update";
        var operations = new List<Operation>();
        if (changes.Name is not null || changes.Metadata is not null) operations.Add(Operation.UpdateProfile);
        if (changes.Status is not null) operations.Add(Operation.ChangeStatus);
        if (changes.Role is not null) operations.Add(Operation.ManageUsers);
        if (operations.Count == 0) operations.Add(Operation.UpdateProfile);
        foreach (var operation in operations)
            if (await guard.CheckAsync<UserUpdated>(caller, operation, action, userId, null, ct) is { } denied) return denied;

        var status = changes.Status is null ? null : UserStatuses.Parse(changes.Status);
        var role = changes.Role is null ? null : MemoryRoles.Parse(changes.Role);
        var invalid = changes is { Name: null, Status: null, Metadata: null, Role: null }
                ? Outcome<UserUpdated>.Invalid("body", "names nothing to change (name, status, metadata or role)")
            : changes.Name is not null && UserValidation.Name(changes.Name) is { } nameReason ? Outcome<UserUpdated>.Invalid("name", nameReason)
            : changes.Status is not null && status is null ? Outcome<UserUpdated>.Invalid("status", UserValidation.StatusReason)
            : changes.Role is not null && role is null ? Outcome<UserUpdated>.Invalid("role", UserValidation.RoleReason)
            : UserValidation.Metadata(changes.Metadata) is { } bad ? Outcome<UserUpdated>.Invalid(bad.Field, bad.Reason)
            : null;
        if (invalid is not null) return await guard.RecordAsync(caller, action, userId, null, invalid, ct);

        var user = await zep.GetUserAsync(userId, ct);
        if (user is null) return await guard.RecordAsync(caller, action, userId, null, Outcome<UserUpdated>.NotFound("no such user"), ct);

        var metadata = changes.Metadata is JsonObject callerPart ? (JsonObject)callerPart.DeepClone() : ReservedMetadata.CallerPart(user.Metadata);
        foreach (var (key, value) in user.Metadata ?? [])
            if (ReservedMetadata.IsReserved(key)) metadata[key] = value?.DeepClone();
        if (status is not null) metadata["status"] = status;
        if (role is not null) metadata["role"] = role;
        string? first = null, last = null;
        if (changes.Name is not null) (first, last) = UserNames.Split(changes.Name);

        var outcome = await zep.UpdateUserAsync(userId, new UpdateUserRequest(metadata, first, last), ct)
            ? Outcome<UserUpdated>.Ok(new UserUpdated(userId, role ?? StoredProfile.RoleOf(user), status ?? StoredProfile.StatusOf(user)))
            : Outcome<UserUpdated>.NotFound("no such user");
        return await guard.RecordAsync(caller, action, userId, null, outcome, ct);
    }
}
