namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The patients and sessions the memory benchmark's requests pick from at random: filled during set-up, and grown by
/// the load's own user creations and session starts. Each patient's requests carry the patient's own token. Reads of a
/// session's latest record go to the set-up sessions (<see cref="KeepRecordedSessions"/>), which hold one of each kind, so
/// a 404 there is a failure and not a session that has no record yet.
/// </summary>
public sealed class MemoryLoadPool
{
    private readonly Lock _gate = new();
    private readonly List<Patient> _patients = [];
    private readonly List<Session> _sessions = [];
    private Session[] _recorded = [];

    public sealed record Patient(string UserId, string Token);

    public sealed record Session(string SessionId, Patient Owner);

    public int Sessions
    {
        get { lock (_gate) return _sessions.Count; }
    }

    public void Add(Patient patient)
    {
        lock (_gate) _patients.Add(patient);
    }

    public void Add(Session session)
    {
        lock (_gate) _sessions.Add(session);
    }

    /// <summary>The sessions so far are the ones with a record of every kind.</summary>
    public void KeepRecordedSessions()
    {
        lock (_gate) _recorded = [.. _sessions];
    }

    public Session AnyRecordedSession()
    {
        lock (_gate) return _recorded[Random.Shared.Next(_recorded.Length)];
    }

    public IReadOnlyList<Session> AllSessions()
    {
        lock (_gate) return [.. _sessions];
    }

    public Patient AnyPatient()
    {
        lock (_gate) return _patients[Random.Shared.Next(_patients.Count)];
    }

    public Session AnySession()
    {
        lock (_gate) return _sessions[Random.Shared.Next(_sessions.Count)];
    }
}
