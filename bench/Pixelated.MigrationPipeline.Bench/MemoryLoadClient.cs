using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Options;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The memory benchmark's requests, one method per operation of the mix, each against a random patient or session of
/// the pool, as the patient (creating users: as an admin). Bodies are serialised before the clock starts; the latency
/// is from sending to having the whole answer. Every request names its operation in
/// <see cref="MemoryServerTimingFilter.OperationHeader"/>, so the service's side is recorded under the same name.
/// </summary>
public sealed class MemoryLoadClient(HttpClient http, MemoryLatencyRecorder recorder, MemoryAuthOptions auth, MemoryLoadPool pool)
{
    public const string CreateUser = "POST /users";
    public const string StartSession = "POST /sessions";
    public const string StoreMessages = "POST /memory/{id}/messages";
    public const string ReadHistory = "GET /memory/{id}/history";
    public const string CountHistory = "GET /memory/{id}/history/count";
    public const string ReadStats = "GET /memory/{id}/stats";

    private static readonly string[] RecordKinds = ["summary", "emotional-state", "treatment-plan"];
    private static readonly string[] Contents =
    [
        "I slept badly again and the worry started before I was even out of bed.",
        "Let's look at what happened right before the anxiety peaked yesterday.",
        "The breathing exercise helped at work, but not on the train home.",
        "What would you say to a friend who told you the same thing about themselves?",
    ];

    private readonly string _adminToken = DevTokens.Mint(auth, "bench-admin", MemoryRoles.Admin, TimeSpan.FromHours(2));
    private int _errorsShown;

    public async Task CreateUserAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var created = await SendAsync(CreateUser, HttpMethod.Post, "api/v1/users", _adminToken,
            new { email = $"bench-{id}@example.org", name = $"Bench Patient {id}", role = MemoryRoles.Patient });
        if (created?.GetProperty("userId").GetString() is { } userId)
            pool.Add(new MemoryLoadPool.Patient(userId, DevTokens.Mint(auth, userId, MemoryRoles.Patient, TimeSpan.FromHours(2))));
    }

    public async Task StartSessionAsync(MemoryLoadPool.Patient? patient = null)
    {
        patient ??= pool.AnyPatient();
        var started = await SendAsync(StartSession, HttpMethod.Post, "api/v1/sessions", patient.Token, new { userId = patient.UserId, timeoutMinutes = 120 });
        if (started?.GetProperty("sessionId").GetString() is { } sessionId) pool.Add(new MemoryLoadPool.Session(sessionId, patient));
    }

    /// <summary>One to three messages, alternating patient and assistant.</summary>
    public Task StoreMessagesAsync(MemoryLoadPool.Session? session = null)
    {
        session ??= pool.AnySession();
        var messages = Enumerable.Range(0, Random.Shared.Next(1, 4))
            .Select(i => new { role = i % 2 == 0 ? "user" : "assistant", content = Contents[Random.Shared.Next(Contents.Length)] })
            .ToArray();
        return SendAsync(StoreMessages, HttpMethod.Post, $"api/v1/memory/{session.SessionId}/messages", session.Owner.Token, new { messages });
    }

    public Task ReadHistoryAsync()
    {
        var session = pool.AnySession();
        return SendAsync(ReadHistory, HttpMethod.Get, $"api/v1/memory/{session.SessionId}/history?limit=20", session.Owner.Token, null);
    }

    public Task CountHistoryAsync()
    {
        var session = pool.AnySession();
        return SendAsync(CountHistory, HttpMethod.Get, $"api/v1/memory/{session.SessionId}/history/count", session.Owner.Token, null);
    }

    public Task ReadStatsAsync()
    {
        var session = pool.AnySession();
        return SendAsync(ReadStats, HttpMethod.Get, $"api/v1/memory/{session.SessionId}/stats", session.Owner.Token, null);
    }

    /// <summary>A summary, an emotional state or a treatment plan (<paramref name="kind"/>, else one at random).</summary>
    public Task StoreRecordAsync(MemoryLoadPool.Session? session = null, string? kind = null)
    {
        session ??= pool.AnySession();
        kind ??= RecordKinds[Random.Shared.Next(RecordKinds.Length)];
        object body = kind switch
        {
            "summary" => new { text = "Worked on sleep hygiene and on naming the worry before it grows." },
            "emotional-state" => new
            {
                emotions = new Dictionary<string, double> { ["anxiety"] = Math.Round(Random.Shared.NextDouble(), 2), ["hope"] = 0.4 },
                context = "before a work presentation",
                triggers = new[] { "deadline", "poor sleep" },
            },
            _ => new
            {
                goals = new[] { "sleep 7 hours", "fewer panic episodes" },
                interventions = new[] { "CBT", "breathing practice" },
                progressMetrics = new Dictionary<string, object> { ["sessionsAttended"] = 3, ["onTrack"] = true },
                duration = "12 weeks",
            },
        };
        return SendAsync($"POST /memory/{{id}}/{kind}", HttpMethod.Post, $"api/v1/memory/{session.SessionId}/{kind}", session.Owner.Token, body);
    }

    public Task ReadRecordAsync()
    {
        var session = pool.AnyRecordedSession();
        var kind = RecordKinds[Random.Shared.Next(RecordKinds.Length)];
        return SendAsync($"GET /memory/{{id}}/{kind}", HttpMethod.Get, $"api/v1/memory/{session.SessionId}/{kind}", session.Owner.Token, null);
    }

    /// <summary>Sends, records latency and status (0: no answer), and returns a successful answer's JSON.</summary>
    private async Task<JsonElement?> SendAsync(string operation, HttpMethod method, string path, string token, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation(MemoryServerTimingFilter.OperationHeader, operation);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        var status = 0;
        byte[] answer = [];
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request);
            answer = await response.Content.ReadAsByteArrayAsync();
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            ShowError(operation, e.Message);
        }
        recorder.RecordClient(operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds, status);
        if (status is < 200 or >= 300)
        {
            if (status != 0) ShowError(operation, $"{status} {System.Text.Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 300)))}");
            return null;
        }
        return answer.Length == 0 ? null : JsonDocument.Parse(answer).RootElement.Clone();
    }

    /// <summary>The first few failures on stderr, so a run with errors says what they were.</summary>
    private void ShowError(string operation, string what)
    {
        if (Interlocked.Increment(ref _errorsShown) <= 5) Console.Error.WriteLine($"[bench] {operation}: {what}");
    }
}
