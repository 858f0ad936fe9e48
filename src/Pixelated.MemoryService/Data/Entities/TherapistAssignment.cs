namespace Pixelated.MemoryService.Data.Entities;

/// <summary>A therapist who may see a patient's data (set by an admin through <c>PUT /api/v1/users/{patientId}/therapists</c>).</summary>
public sealed class TherapistAssignment
{
    public required string PatientId { get; set; }
    public required string TherapistId { get; set; }
    public required string AssignedBy { get; set; }
    public DateTimeOffset AssignedAt { get; set; }
}
