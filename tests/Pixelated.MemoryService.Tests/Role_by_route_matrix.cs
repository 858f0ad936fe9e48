using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

/// <summary>
/// Every route under <c>/api/v1</c> (users, sessions, memory, user records, audit) called by every kind of caller, with the
/// exact status each cell must answer. The expectations are written out here from the access rules as the issue states
/// them, not computed from <c>AccessRules</c>, so a rule that drifts fails a cell. One fixture, then every cell, then one
/// assertion listing every mismatching cell.
/// </summary>
/// <remarks>
/// Columns (the subject is the patient P unless the column says otherwise):
/// <list type="bullet">
/// <item><c>P-own</c>: P itself (role patient);</item>
/// <item><c>P-other</c>: another patient;</item>
/// <item><c>T-asg</c>: a therapist assigned to P;</item>
/// <item><c>T-not</c>: a therapist not assigned to P;</item>
/// <item><c>T-own</c>: the assigned therapist on their own user and sessions (the only place a therapist may delete memory);</item>
/// <item><c>Supp</c>: support;</item>
/// <item><c>Admin</c>: an admin.</item>
/// </list>
/// Rows that would destroy the fixture get a fresh subject per cell: a new open session of the subject (closing, deleting
/// memory) or a new user (erasure). Session states other than open (closed, expired, imported by the migration) have rows of
/// their own: writes answer 409, reads stay possible.
/// </remarks>
[Collection(MemoryCollection.Name)]
public sealed class Role_by_route_matrix(MemoryHost host)
{
    private const int Ok = 200, Created = 201, Forbidden = 403, NotFound = 404, Conflict = 409;

    private static readonly string[] Columns = ["P-own", "P-other", "T-asg", "T-not", "T-own", "Supp", "Admin"];

    /// <summary>What a row's cell needs fresh for itself.</summary>
    private enum Fresh { None, Session, User }

    private sealed record Row(string Method, string Path, Func<Cell, object?>? Body, Fresh Fresh, int[] Expected);

    private static Row R(string method, string path, int[] expected, Func<Cell, object?>? body = null, Fresh fresh = Fresh.None) =>
        new(method, path, body, fresh, expected);

    private static int[] E(int pOwn, int pOther, int tAssigned, int tNotAssigned, int tOwn, int support, int admin) =>
        [pOwn, pOther, tAssigned, tNotAssigned, tOwn, support, admin];

    // Placeholders: {u} the subject user, {s} its open session, {closed}/{expired}/{imported} its sessions in those states,
    // {fresh-s} a new open session of the subject, {fresh-u} a new user (the caller itself in the own columns),
    // {unknown} an id nobody has.
    private static readonly Row[] Table =
    [
        //                                                              P-own      P-other    T-asg      T-not      T-own      Supp       Admin
        // Users
        R("POST", "users", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Created),
            c => new { userId = c.NewId("user"), email = "someone@clinic.example", name = "New Person", role = MemoryRoles.Patient }),
        R("POST", "users (id taken)", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Conflict),
            c => new { userId = c.Subject, email = "someone@clinic.example", name = "New Person", role = c.SubjectRole }),
        R("GET", "users/{u}", E(Ok, Forbidden, Ok, Forbidden, Ok, Ok, Ok)),
        R("GET", "users/{unknown}", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, NotFound, NotFound)),
        R("PUT", "users/{u} (name)", E(Ok, Forbidden, Ok, Forbidden, Ok, Ok, Ok), _ => new { name = "Renamed Person" }),
        R("PUT", "users/{u} (status)", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok), _ => new { status = "active" }),
        R("PUT", "users/{u} (role)", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok), c => new { role = c.SubjectRole }),
        R("DELETE", "users/{fresh-u}", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok), fresh: Fresh.User),
        R("DELETE", "users/{unknown}", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, NotFound)),
        R("GET", "users/{u}/sessions", E(Ok, Forbidden, Ok, Forbidden, Ok, Ok, Ok)),
        R("PUT", "users/{u}/therapists", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok),
            c => new { therapistIds = new[] { c.AssignedTherapist } }),

        // Sessions
        R("POST", "sessions", E(Created, Forbidden, Created, Forbidden, Created, Forbidden, Created), c => new { userId = c.Subject, timeoutMinutes = 30 }),
        R("GET", "sessions/{s}", E(Ok, Forbidden, Ok, Forbidden, Ok, Ok, Ok)),
        R("GET", "sessions/{closed}", E(Ok, Forbidden, Ok, Forbidden, Ok, Ok, Ok)),
        R("GET", "sessions/{imported}", E(Ok, Forbidden, Ok, Forbidden, Ok, Ok, Ok)),
        R("GET", "sessions/{unknown}", E(NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound)),
        R("POST", "sessions/{fresh-s}/close", E(Ok, Forbidden, Ok, Forbidden, Ok, Ok, Ok), fresh: Fresh.Session),
        R("POST", "sessions/{closed}/close", E(Conflict, Forbidden, Conflict, Forbidden, Conflict, Conflict, Conflict)),
        R("POST", "sessions/{expired}/close", E(Conflict, Forbidden, Conflict, Forbidden, Conflict, Conflict, Conflict)),
        R("POST", "sessions/{imported}/close", E(Conflict, Forbidden, Conflict, Forbidden, Conflict, Conflict, Conflict)),

        // Memory of an open session
        R("POST", "memory/{s}/messages", E(Created, Forbidden, Created, Forbidden, Created, Forbidden, Created),
            _ => new { messages = new[] { new { role = "user", content = "hello" } } }),
        R("GET", "memory/{s}/history", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("GET", "memory/{s}/history/count", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("POST", "memory/{s}/summary", E(Created, Forbidden, Created, Forbidden, Created, Forbidden, Created), _ => new { text = "a summary" }),
        R("GET", "memory/{s}/summary", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("POST", "memory/{s}/emotional-state", E(Created, Forbidden, Created, Forbidden, Created, Forbidden, Created),
            _ => new { emotions = new { calm = 0.5 } }),
        R("GET", "memory/{s}/emotional-state", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("POST", "memory/{s}/treatment-plan", E(Created, Forbidden, Created, Forbidden, Created, Forbidden, Created),
            _ => new { goals = new[] { "a goal" } }),
        R("GET", "memory/{s}/treatment-plan", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("GET", "memory/{s}/stats", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("DELETE", "memory/{fresh-s}", E(Ok, Forbidden, Forbidden, Forbidden, Ok, Forbidden, Ok), fresh: Fresh.Session),
        R("GET", "memory/{unknown}/history", E(NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound)),
        R("POST", "memory/{unknown}/messages", E(NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound),
            _ => new { role = "user", content = "hello" }),

        // Memory of a closed, an expired and an imported session: writes refused with 409, reads allowed
        R("POST", "memory/{closed}/messages", E(Conflict, Forbidden, Conflict, Forbidden, Conflict, Forbidden, Conflict),
            _ => new { role = "user", content = "hello" }),
        R("POST", "memory/{closed}/summary", E(Conflict, Forbidden, Conflict, Forbidden, Conflict, Forbidden, Conflict), _ => new { text = "late" }),
        R("GET", "memory/{closed}/history", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("POST", "memory/{expired}/messages", E(Conflict, Forbidden, Conflict, Forbidden, Conflict, Forbidden, Conflict),
            _ => new { role = "user", content = "hello" }),
        R("POST", "memory/{expired}/treatment-plan", E(Conflict, Forbidden, Conflict, Forbidden, Conflict, Forbidden, Conflict),
            _ => new { goals = new[] { "late" } }),
        R("GET", "memory/{expired}/history/count", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("POST", "memory/{imported}/messages", E(Conflict, Forbidden, Conflict, Forbidden, Conflict, Forbidden, Conflict),
            _ => new { role = "user", content = "hello" }),
        R("POST", "memory/{imported}/emotional-state", E(Conflict, Forbidden, Conflict, Forbidden, Conflict, Forbidden, Conflict),
            _ => new { emotions = new { calm = 0.5 } }),
        R("GET", "memory/{imported}/history", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("GET", "memory/{imported}/stats", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),

        // A user's latest records across sessions
        R("GET", "users/{u}/summary", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("GET", "users/{u}/emotional-state", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),
        R("GET", "users/{u}/treatment-plan", E(Ok, Forbidden, Ok, Forbidden, Ok, Forbidden, Ok)),

        // Audit: admin only, whoever the subject
        R("GET", "audit", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        R("GET", "audit?subjectUserId={u}", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        R("GET", "audit/verify", E(Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
    ];

    [Fact]
    public async Task Every_role_gets_the_expected_status_on_every_route_for_own_and_others_data()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var otherPatient = await host.CreateUserAsync(MemoryRoles.Patient);
        var assigned = await host.CreateUserAsync(MemoryRoles.Therapist);
        var notAssigned = await host.CreateUserAsync(MemoryRoles.Therapist);
        var support = await host.CreateUserAsync(MemoryRoles.Support);
        var admin = await host.CreateUserAsync(MemoryRoles.Admin);
        await host.AssignAsync(patient, assigned);
        var patientWorld = await SubjectAsync(patient, MemoryRoles.Patient);
        var therapistWorld = await SubjectAsync(assigned, MemoryRoles.Therapist);

        // Per column: the caller, the subject, and how to make a fresh user for an erasure cell (caller id, subject id).
        var columns = new (string Caller, string Role, Subject Subject, Func<Task<(string Caller, string User)>> FreshUser)[]
        {
            (patient, MemoryRoles.Patient, patientWorld, async () => Same(await host.CreateUserAsync(MemoryRoles.Patient))),
            (otherPatient, MemoryRoles.Patient, patientWorld, async () => (otherPatient, await host.CreateUserAsync(MemoryRoles.Patient))),
            (assigned, MemoryRoles.Therapist, patientWorld, async () =>
            {
                var fresh = await host.CreateUserAsync(MemoryRoles.Patient);
                await host.AssignAsync(fresh, assigned);
                return (assigned, fresh);
            }),
            (notAssigned, MemoryRoles.Therapist, patientWorld, async () => (notAssigned, await host.CreateUserAsync(MemoryRoles.Patient))),
            (assigned, MemoryRoles.Therapist, therapistWorld, async () => Same(await host.CreateUserAsync(MemoryRoles.Therapist))),
            (support, MemoryRoles.Support, patientWorld, async () => (support, await host.CreateUserAsync(MemoryRoles.Patient))),
            (admin, MemoryRoles.Admin, patientWorld, async () => (admin, await host.CreateUserAsync(MemoryRoles.Patient))),
        };
        Assert.Equal(Columns.Length, columns.Length);

        var mismatches = new List<string>();
        var cells = 0;
        foreach (var row in Table)
        {
            Assert.Equal(Columns.Length, row.Expected.Length);
            for (var c = 0; c < columns.Length; c++)
            {
                var (callerId, role, subject, freshUser) = columns[c];
                var cell = new Cell(subject, assigned);
                if (row.Fresh == Fresh.User) (callerId, cell.FreshUser) = await freshUser();
                if (row.Fresh == Fresh.Session) cell.FreshSession = await host.NewSessionAsync(subject.UserId);

                var (status, detail) = await CallAsync(host.As(callerId, role), row, cell);
                cells++;
                if (status != row.Expected[c])
                    mismatches.Add($"{row.Method} {row.Path} as {Columns[c]}: expected {row.Expected[c]}, got {status}{detail}");
            }
        }

        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} of {cells} cells differ from the matrix:{Environment.NewLine}{string.Join(Environment.NewLine, mismatches)}");
    }

    private static (string, string) Same(string id) => (id, id);

    private static async Task<(int Status, string Detail)> CallAsync(HttpClient client, Row row, Cell cell)
    {
        using (client)
        {
            var url = "api/v1/" + cell.Resolve(row.Path.Split(' ')[0]);
            using var request = new HttpRequestMessage(new HttpMethod(row.Method), url);
            if (row.Body is not null) request.Content = JsonContent.Create(row.Body(cell));
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            return (status, status < 400 ? "" : await DetailOfAsync(response));
        }
    }

    /// <summary>A refusal's problem <c>detail</c> (the service's reason, never content), to tell one 4xx from another.</summary>
    private static async Task<string> DetailOfAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var problem = JsonDocument.Parse(text);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? $" ({detail.GetString()})" : "";
        }
        catch (JsonException)
        {
            return text.Length == 0 ? "" : $" ({text[..Math.Min(text.Length, 200)]})";
        }
    }

    /// <summary>A subject's user and its sessions in every state, with a message and one record of each kind in the open one.</summary>
    private sealed record Subject(string UserId, string Role, string Open, string Closed, string Expired, string Imported);

    private async Task<Subject> SubjectAsync(string userId, string role)
    {
        string open;
        using (var self = host.As(userId, role))
        {
            var (status, started) = await self.PostJsonAsync("api/v1/sessions", new { userId, timeoutMinutes = 30 });
            Assert.Equal(System.Net.HttpStatusCode.Created, status);
            open = started.GetProperty("sessionId").GetString()!;
            foreach (var (route, body) in new (string, object)[]
                     {
                         ("messages", new { role = "user", content = "first words" }),
                         ("summary", new { text = "a first summary" }),
                         ("emotional-state", new { emotions = new { calm = 0.2 } }),
                         ("treatment-plan", new { goals = new[] { "a first goal" } }),
                     })
                Assert.Equal(System.Net.HttpStatusCode.Created, (await self.PostJsonAsync($"api/v1/memory/{open}/{route}", body)).Status);
        }
        var closed = await host.NewSessionAsync(userId, Fixtures.Session.Closed);
        var expired = await host.NewSessionAsync(userId, Fixtures.Session.Expired);
        var imported = await host.NewImportedThreadAsync(userId, new ZepMessage("a migrated message", "user"));
        return new Subject(userId, role, open, closed, expired, imported);
    }

    /// <summary>One cell's placeholders.</summary>
    private sealed class Cell(Subject subject, string assignedTherapist)
    {
        public string Subject => subject.UserId;
        public string SubjectRole => subject.Role;
        public string AssignedTherapist => assignedTherapist;
        public string? FreshSession { get; set; }
        public string? FreshUser { get; set; }

        public string NewId(string prefix) => MemoryHost.NewId(prefix);

        public string Resolve(string path) => new StringBuilder(path)
            .Replace("{u}", subject.UserId)
            .Replace("{s}", subject.Open)
            .Replace("{closed}", subject.Closed)
            .Replace("{expired}", subject.Expired)
            .Replace("{imported}", subject.Imported)
            .Replace("{fresh-s}", FreshSession ?? "no-fresh-session")
            .Replace("{fresh-u}", FreshUser ?? "no-fresh-user")
            .Replace("{unknown}", "nobody-" + Guid.NewGuid().ToString("N")[..12])
            .ToString();
    }
}
