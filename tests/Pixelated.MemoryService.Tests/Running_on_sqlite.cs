using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

/// <summary>The default database (SQLite, one instance): sessions expire, the audit chain verifies, keys replay.</summary>
[Collection(MemoryCollection.Name)]
public sealed class Running_on_sqlite(MemoryHost host) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pixelated-memory-sqlite-").FullName;

    [Fact]
    public async Task Sessions_slide_and_expire_and_the_audit_chain_verifies_on_sqlite()
    {
        await using var service = await IsolatedService.StartAsync(host, overrides: new Dictionary<string, string?>
        {
            ["Memory:Provider"] = "sqlite",
            ["ConnectionStrings:Memory"] = $"Data Source={Path.Combine(_folder, "memory.db")}",
        });
        using var admin = service.Admin();
        var patient = MemoryHost.NewId("sqlite");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("api/v1/users",
            new { userId = patient, email = $"{patient}@clinic.example", name = "Lite Person", role = MemoryRoles.Patient })).StatusCode);
        var started = await (await admin.PostAsJsonAsync("api/v1/sessions", new { userId = patient, timeoutMinutes = 5 })).JsonAsync();
        var sessionId = started.GetProperty("sessionId").GetString()!;

        var before = DateTimeOffset.UtcNow;
        Assert.True((await admin.PostAsJsonAsync($"api/v1/memory/{sessionId}/messages",
            new { messages = new[] { new { role = "user", content = "slides the expiry" } } })).IsSuccessStatusCode);
        var slid = (await (await admin.GetAsync($"api/v1/sessions/{sessionId}")).JsonAsync()).GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(slid, before.AddMinutes(5).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(1));

        await using (var scope = service.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
            var row = await db.Sessions.SingleAsync(s => s.Id == sessionId);
            row.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }
        Assert.True(await UserSetup.EventuallyAsync(async () =>
            (await (await admin.GetAsync($"api/v1/sessions/{sessionId}")).JsonAsync()).GetProperty("state").GetString() == "expired",
            TimeSpan.FromSeconds(10)), "the sweep did not close the expired session on SQLite");

        var verification = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit/verify");
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
        Assert.True(verification.GetProperty("rowsChecked").GetInt64() >= 2);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
