using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Auditing_access(MemoryHost host)
{
    [Fact]
    public async Task A_refused_request_lands_in_the_audit_trail_that_only_an_admin_reads()
    {
        var patient = MemoryHost.NewId("audit-patient");
        using var asPatient = host.As(patient, MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await asPatient.GetAsync("api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(patient, MemoryRoles.Support).GetAsync("api/v1/audit/verify")).StatusCode);

        var entries = await AllEntriesAsync(host.Admin());
        var refusal = entries.Single(e => e.GetProperty("actorId").GetString() == patient && e.GetProperty("actorRole").GetString() == MemoryRoles.Patient);
        Assert.Equal("audit.read", refusal.GetProperty("action").GetString());
        Assert.Equal("denied", refusal.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_chain_verifies_and_breaks_at_a_row_edited_or_deleted_in_the_database()
    {
        // An isolated database, so that this test's edits do not break the chain other tests read.
        await using var isolated = await IsolatedServiceAsync();
        using var admin = isolated.Admin();
        for (var i = 0; i < 4; i++) await isolated.As(MemoryHost.NewId("p"), MemoryRoles.Patient).GetAsync("api/v1/audit");

        var intact = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit/verify");
        Assert.True(intact.GetProperty("intact").GetBoolean());
        Assert.True(intact.GetProperty("rowsChecked").GetInt64() >= 4);

        var ids = await IdsAsync(isolated.ConnectionString);
        await ExecuteAsync(isolated.ConnectionString, $"UPDATE audit SET outcome = 'ok' WHERE id = {ids[1]}");
        var edited = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit/verify");
        Assert.False(edited.GetProperty("intact").GetBoolean());
        Assert.Equal(ids[1], edited.GetProperty("brokenAtId").GetInt64());

        await ExecuteAsync(isolated.ConnectionString, $"UPDATE audit SET outcome = 'denied' WHERE id = {ids[1]}");
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("api/v1/audit/verify")).GetProperty("intact").GetBoolean());

        await ExecuteAsync(isolated.ConnectionString, $"DELETE FROM audit WHERE id = {ids[2]}");
        var deleted = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit/verify");
        Assert.False(deleted.GetProperty("intact").GetBoolean());
        Assert.Equal(ids[3], deleted.GetProperty("brokenAtId").GetInt64());
    }

    [Fact]
    public async Task Deleting_the_newest_rows_leaves_a_chain_that_verifies_but_not_the_head_exported_before()
    {
        await using var isolated = await IsolatedServiceAsync();
        using var admin = isolated.Admin();
        for (var i = 0; i < 3; i++) await isolated.As(MemoryHost.NewId("p"), MemoryRoles.Patient).GetAsync("api/v1/audit");

        var head = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit/verify");
        Assert.True(head.GetProperty("intact").GetBoolean());
        var ids = await IdsAsync(isolated.ConnectionString);
        var exportedId = head.GetProperty("lastId").GetInt64();
        var exportedHash = head.GetProperty("lastHash").GetString();
        Assert.Equal(ids[^2], exportedId); // the verification's own row comes after the head it reports
        var row = (await admin.GetFromJsonAsync<JsonElement>($"api/v1/audit?afterId={exportedId - 1}&limit=1")).GetProperty("entries")[0];
        Assert.Equal(exportedHash, row.GetProperty("hash").GetString());

        await ExecuteAsync(isolated.ConnectionString, $"DELETE FROM audit WHERE id >= {exportedId}", expectedRows: 3); // the head, the verification, the read
        var after = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit/verify");
        Assert.True(after.GetProperty("intact").GetBoolean()); // the limit: a shortened chain still verifies
        var entries = (await admin.GetFromJsonAsync<JsonElement>($"api/v1/audit?afterId={exportedId - 1}&limit=1")).GetProperty("entries");
        Assert.True(entries.GetArrayLength() == 0 || entries[0].GetProperty("hash").GetString() != exportedHash);
    }

    [Fact]
    public async Task Concurrent_appends_from_two_instances_chain_into_one_intact_trail()
    {
        await using var second = await IsolatedService.StartAsync(host, sharedDatabase: true);
        using var admin = host.Admin();
        var before = (await admin.GetFromJsonAsync<JsonElement>("api/v1/audit/verify")).GetProperty("rowsChecked").GetInt64();

        var calls = Enumerable.Range(0, 80).Select(async i =>
        {
            using var client = i % 2 == 0 ? host.As(MemoryHost.NewId("burst"), MemoryRoles.Patient) : second.As(MemoryHost.NewId("burst"), MemoryRoles.Patient);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("api/v1/audit")).StatusCode);
        });
        await Task.WhenAll(calls);

        var after = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit/verify");
        Assert.True(after.GetProperty("intact").GetBoolean(), after.ToString());
        Assert.True(after.GetProperty("rowsChecked").GetInt64() >= before + 80 + 1);
    }

    [Fact]
    public async Task The_audit_reads_in_pages_and_by_subject()
    {
        var patient = MemoryHost.NewId("paged");
        using var asPatient = host.As(patient, MemoryRoles.Patient);
        for (var i = 0; i < 3; i++) await asPatient.GetAsync("api/v1/audit");
        using var admin = host.Admin();
        var first = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?limit=2");
        Assert.Equal(2, first.GetProperty("entries").GetArrayLength());
        var next = first.GetProperty("nextAfterId").GetInt64();
        var second = await admin.GetFromJsonAsync<JsonElement>($"api/v1/audit?limit=2&afterId={next}");
        Assert.All(second.GetProperty("entries").EnumerateArray(), e => Assert.True(e.GetProperty("id").GetInt64() > next));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("api/v1/audit?limit=0")).StatusCode);
    }

    private static async Task<List<JsonElement>> AllEntriesAsync(HttpClient admin)
    {
        var all = new List<JsonElement>();
        long? after = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"api/v1/audit?limit=500{(after is null ? "" : $"&afterId={after}")}");
            all.AddRange(page.GetProperty("entries").EnumerateArray());
            after = page.GetProperty("nextAfterId").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextAfterId").GetInt64();
        }
        while (after is not null);
        return all;
    }

    private async Task<IsolatedService> IsolatedServiceAsync() => await IsolatedService.StartAsync(host);

    private static async Task<List<long>> IdsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM audit ORDER BY id", connection);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, int expectedRows = 1)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.Equal(expectedRows, await command.ExecuteNonQueryAsync());
    }
}
