using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Managing_users(MemoryHost host)
{
    [Fact]
    public async Task An_admin_creates_a_user_whose_answer_carries_ids_only_and_whose_profile_reads_back()
    {
        var userId = MemoryHost.NewId("patient");
        using var admin = host.Admin();
        using var created = await admin.PostAsJsonAsync("api/v1/users", new
        {
            userId, email = "ada@clinic.example", name = "Ada King Lovelace", role = "patient", metadata = new { team = "blue" },
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/users/{userId}", created.Headers.Location?.OriginalString);
        var body = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("ada@clinic.example", body);
        Assert.DoesNotContain("Lovelace", body);
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal(userId, answer.GetProperty("userId").GetString());
        Assert.Equal("patient", answer.GetProperty("role").GetString());
        Assert.Equal("active", answer.GetProperty("status").GetString());

        var stored = host.Emulator.Store.GetUser(userId)!;
        Assert.Equal(("Ada", "King Lovelace"), (stored.FirstName, stored.LastName));
        Assert.Equal("memory-service", stored.Metadata!["source"].GetString());
        Assert.Equal("patient", stored.Metadata["role"].GetString());
        Assert.Equal("active", stored.Metadata["status"].GetString());

        var profile = await (await admin.GetAsync($"api/v1/users/{userId}")).JsonAsync();
        Assert.Equal("ada@clinic.example", profile.GetProperty("email").GetString());
        Assert.Equal("Ada King Lovelace", profile.GetProperty("name").GetString());
        Assert.Equal("patient", profile.GetProperty("role").GetString());
        Assert.Equal("active", profile.GetProperty("status").GetString());
        Assert.Equal("""{"team":"blue"}""", profile.GetProperty("metadata").GetRawText());
    }

    [Fact]
    public async Task Without_a_user_id_one_is_generated()
    {
        using var admin = host.Admin();
        using var created = await admin.PostAsJsonAsync("api/v1/users", new { email = "gen@clinic.example", name = "Gen", role = "support" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var userId = (await created.JsonAsync()).GetProperty("userId").GetString()!;
        Assert.Matches("^usr_[0-9a-f]{32}$", userId);
        Assert.True(host.Emulator.Store.UserExists(userId));
    }

    [Fact]
    public async Task Creating_a_user_id_that_exists_is_a_conflict()
    {
        var userId = await host.CreateUserAsync(MemoryRoles.Patient);
        using var admin = host.Admin();
        using var again = await admin.PostAsJsonAsync("api/v1/users", new { userId, email = "x@clinic.example", name = "X", role = "patient" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Theory]
    [InlineData("""{"email":"not-an-address","name":"A B","role":"patient"}""", "email")]
    [InlineData("""{"name":"A B","role":"patient"}""", "email")]
    [InlineData("""{"email":"a@clinic.example","name":"","role":"patient"}""", "name")]
    [InlineData("""{"email":"a@clinic.example","name":"A\u0007B","role":"patient"}""", "name")]
    [InlineData("""{"email":"a@clinic.example","name":"A B","role":"doctor"}""", "role")]
    [InlineData("""{"email":"a@clinic.example","name":"A B","role":"patient","metadata":{"role":"admin"}}""", "metadata.role")]
    [InlineData("""{"email":"a@clinic.example","name":"A B","role":"patient","metadata":{"mem0_kind":"x"}}""", "metadata.mem0_kind")]
    [InlineData("""{"email":"a@clinic.example","name":"A B","role":"patient","metadata":[1,2]}""", "metadata")]
    [InlineData("""{"userId":"has space","email":"a@clinic.example","name":"A B","role":"patient"}""", "userId")]
    public async Task A_bad_field_is_a_400_naming_it(string json, string field)
    {
        using var admin = host.Admin();
        using var response = await admin.PostAsync("api/v1/users", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.AssertInvalidAsync(field);
    }

    [Theory]
    [InlineData(MemoryRoles.Patient)]
    [InlineData(MemoryRoles.Therapist)]
    [InlineData(MemoryRoles.Support)]
    public async Task Only_an_admin_creates_users(string role)
    {
        var userId = MemoryHost.NewId("new");
        using var client = host.As(MemoryHost.NewId(role), role);
        using var response = await client.PostAsJsonAsync("api/v1/users", new { userId, email = "a@clinic.example", name = "A", role = "patient" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(host.Emulator.Store.UserExists(userId));
    }

    [Fact]
    public async Task A_patient_reads_their_own_profile_and_not_another_one()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var other = await host.CreateUserAsync(MemoryRoles.Patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"api/v1/users/{patient}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"api/v1/users/{other}")).StatusCode);
    }

    [Fact]
    public async Task Support_reads_any_profile_and_an_unknown_user_is_404()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        using var support = host.As(MemoryHost.NewId("support"), MemoryRoles.Support);
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync($"api/v1/users/{patient}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync($"api/v1/users/{MemoryHost.NewId("nobody")}")).StatusCode);
    }

    [Fact]
    public async Task A_migrated_user_reads_with_its_stored_role_and_without_the_migration_keys()
    {
        var userId = await host.CreateMigratedUserAsync(MemoryRoles.Therapist);
        using var admin = host.Admin();
        var profile = await (await admin.GetAsync($"api/v1/users/{userId}")).JsonAsync();
        Assert.Equal("therapist", profile.GetProperty("role").GetString());
        Assert.Equal("active", profile.GetProperty("status").GetString());
        Assert.Equal("Migrated Person", profile.GetProperty("name").GetString());
        Assert.Equal("{}", profile.GetProperty("metadata").GetRawText());
    }

    [Fact]
    public async Task A_patient_changes_their_name_and_metadata_while_reserved_keys_stay_as_stored()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        using var response = await client.PutAsJsonAsync($"api/v1/users/{patient}", new { name = "Single", metadata = new { colour = "green" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.JsonAsync();
        Assert.Equal(("patient", "active"), (answer.GetProperty("role").GetString(), answer.GetProperty("status").GetString()));
        var profile = await (await client.GetAsync($"api/v1/users/{patient}")).JsonAsync();
        Assert.Equal("Single", profile.GetProperty("name").GetString());
        Assert.Equal("""{"colour":"green"}""", profile.GetProperty("metadata").GetRawText());
        var stored = host.Emulator.Store.GetUser(patient)!.Metadata!;
        Assert.Equal("memory-service", stored["source"].GetString());
        Assert.Equal("patient", stored["role"].GetString());
    }

    [Fact]
    public async Task A_patient_cannot_change_their_status_or_role_but_support_changes_a_status()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"api/v1/users/{patient}", new { status = "inactive" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"api/v1/users/{patient}", new { role = "admin" })).StatusCode);

        using var support = host.As(MemoryHost.NewId("support"), MemoryRoles.Support);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.PutAsJsonAsync($"api/v1/users/{patient}", new { role = "therapist" })).StatusCode);
        using var suspended = await support.PutAsJsonAsync($"api/v1/users/{patient}", new { status = "suspended", name = "Renamed By Support" });
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);

        var profile = await (await support.GetAsync($"api/v1/users/{patient}")).JsonAsync();
        Assert.Equal(("suspended", "patient"), (profile.GetProperty("status").GetString(), profile.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Only_an_admin_sets_a_stored_role()
    {
        var userId = await host.CreateUserAsync(MemoryRoles.Patient);
        using var admin = host.Admin();
        using var response = await admin.PutAsJsonAsync($"api/v1/users/{userId}", new { role = "therapist" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("therapist", (await response.JsonAsync()).GetProperty("role").GetString());
        Assert.Equal("therapist", host.Emulator.Store.GetUser(userId)!.Metadata!["role"].GetString());
    }

    [Theory]
    [InlineData("""{"status":"deleted"}""", "status")]
    [InlineData("""{"role":"doctor"}""", "role")]
    [InlineData("""{"name":"   "}""", "name")]
    [InlineData("""{"metadata":{"status":"inactive"}}""", "metadata.status")]
    [InlineData("""{}""", "body")]
    public async Task A_bad_change_is_a_400_naming_the_field(string json, string field)
    {
        var userId = await host.CreateUserAsync(MemoryRoles.Patient);
        using var admin = host.Admin();
        using var response = await admin.PutAsync($"api/v1/users/{userId}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.AssertInvalidAsync(field);
    }

    [Fact]
    public async Task Changing_an_unknown_user_is_404()
    {
        using var admin = host.Admin();
        using var response = await admin.PutAsJsonAsync($"api/v1/users/{MemoryHost.NewId("nobody")}", new { name = "Nobody" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_token_role_wins_over_the_stored_one()
    {
        var therapist = await host.CreateUserAsync(MemoryRoles.Therapist);
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        await host.AssignAsync(patient, therapist);

        using var asTherapist = host.As(therapist, MemoryRoles.Therapist);
        Assert.Equal(HttpStatusCode.OK, (await asTherapist.GetAsync($"api/v1/users/{patient}")).StatusCode);

        using var asPatient = host.As(therapist, MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await asPatient.GetAsync($"api/v1/users/{patient}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asPatient.PostAsJsonAsync("api/v1/sessions", new { userId = patient })).StatusCode);
    }

    [Fact]
    public async Task User_changes_and_refusals_are_audited_with_ids_and_no_profile_values()
    {
        var userId = MemoryHost.NewId("audited");
        using var admin = host.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("api/v1/users",
            new { userId, email = "audited@clinic.example", name = "Audited Person", role = "patient" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"api/v1/users/{userId}", new { name = "Renamed Person" })).StatusCode);
        using var other = host.As(MemoryHost.NewId("patient"), MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync($"api/v1/users/{userId}", new { name = "Intruder" })).StatusCode);

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
        var rows = await db.Audit.AsNoTracking().Where(a => a.SubjectUserId == userId).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([("user.create", "ok"), ("user.update", "ok"), ("user.update", "denied")], rows.Select(a => (a.Action, a.Outcome)));
        Assert.Equal(MemoryRoles.Patient, rows[^1].ActorRole);
        Assert.DoesNotContain(rows, a => JsonSerializer.Serialize(a).Contains("Person") || JsonSerializer.Serialize(a).Contains("@clinic"));
    }
}
