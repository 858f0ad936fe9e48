using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Data.Entities;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MemoryService.Application.Users;

/// <summary>
/// Which therapists may see a patient (admin only). The patient must be a Zep user whose stored role is patient (so no
/// therapist is ever given another therapist's, an admin's or a support agent's data); each therapist a Zep user whose
/// stored role is therapist. The set replaces the patient's previous one in one transaction.
/// </summary>
public sealed class AssignmentService(ZepClient zep, MemoryDbContext db, Guard guard, TimeProvider clock)
{
    public const int MaxTherapists = 50;

    public async Task<Outcome<TherapistsAssigned>> SetAsync(Caller caller, string patientId, TherapistSet request, CancellationToken ct)
    {
        const string action = "assignments.set";
        if (await guard.CheckAsync<TherapistsAssigned>(caller, Operation.ManageUsers, action, patientId, null, ct) is { } denied) return denied;

        var invalid = await ValidateAsync(patientId, request, ct);
        if (invalid is not null) return await guard.RecordAsync(caller, action, patientId, null, invalid, ct);

        var therapistIds = request.TherapistIds!.Select(t => t!).Distinct(StringComparer.Ordinal).ToList();
        var now = clock.GetUtcNow();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Assignments.Where(a => a.PatientId == patientId).ExecuteDeleteAsync(ct);
            db.Assignments.AddRange(therapistIds.Select(t => new TherapistAssignment
            {
                PatientId = patientId, TherapistId = t, AssignedBy = caller.Id, AssignedAt = now,
            }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
        });
        return await guard.RecordAsync(caller, action, patientId, null,
            Outcome<TherapistsAssigned>.Ok(new TherapistsAssigned(patientId, therapistIds)), ct);
    }

    private async Task<Outcome<TherapistsAssigned>?> ValidateAsync(string patientId, TherapistSet request, CancellationToken ct)
    {
        if (request.TherapistIds is null) return Outcome<TherapistsAssigned>.Invalid("therapistIds", "is required (an array, empty to remove every therapist)");
        if (request.TherapistIds.Count > MaxTherapists) return Outcome<TherapistsAssigned>.Invalid("therapistIds", $"has more than {MaxTherapists} entries");
        for (var i = 0; i < request.TherapistIds.Count; i++)
            if (UserValidation.UserId(request.TherapistIds[i]) is { } reason)
                return Outcome<TherapistsAssigned>.Invalid($"therapistIds[{i}]", reason);

        var patient = await zep.GetUserAsync(patientId, ct);
        if (patient is null) return Outcome<TherapistsAssigned>.NotFound("no such patient");
        if (StoredProfile.RoleOf(patient) != MemoryRoles.Patient)
            return Outcome<TherapistsAssigned>.Invalid("patientId", "is not a user whose stored role is patient");

        for (var i = 0; i < request.TherapistIds.Count; i++)
        {
            var therapist = await zep.GetUserAsync(request.TherapistIds[i]!, ct);
            if (therapist is null) return Outcome<TherapistsAssigned>.Invalid($"therapistIds[{i}]", "no such user");
            if (StoredProfile.RoleOf(therapist) != MemoryRoles.Therapist)
                return Outcome<TherapistsAssigned>.Invalid($"therapistIds[{i}]", "is not a user whose stored role is therapist");
        }
        return null;
    }
}
