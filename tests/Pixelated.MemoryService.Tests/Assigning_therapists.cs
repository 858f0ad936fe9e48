using System.Net;
using System.Net.Http.Json;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Assigning_therapists(MemoryHost host)
{
    [Fact]
    public async Task An_assigned_therapist_sees_the_patient_until_the_set_is_replaced()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var first = await host.CreateUserAsync(MemoryRoles.Therapist);
        var second = await host.CreateUserAsync(MemoryRoles.Therapist);
        using var asFirst = host.As(first, MemoryRoles.Therapist);
        using var asSecond = host.As(second, MemoryRoles.Therapist);
        Assert.Equal(HttpStatusCode.Forbidden, (await asFirst.GetAsync($"api/v1/users/{patient}")).StatusCode);

        using var admin = host.Admin();
        using var assigned = await admin.PutAsJsonAsync($"api/v1/users/{patient}/therapists", new { therapistIds = new[] { first } });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var answer = await assigned.JsonAsync();
        Assert.Equal(patient, answer.GetProperty("patientId").GetString());
        Assert.Equal([first], answer.GetProperty("therapistIds").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await asFirst.GetAsync($"api/v1/users/{patient}")).StatusCode);

        await host.AssignAsync(patient, second);
        Assert.Equal(HttpStatusCode.Forbidden, (await asFirst.GetAsync($"api/v1/users/{patient}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asSecond.GetAsync($"api/v1/users/{patient}")).StatusCode);

        await host.AssignAsync(patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await asSecond.GetAsync($"api/v1/users/{patient}")).StatusCode);
    }

    [Fact]
    public async Task A_therapist_id_that_is_not_a_therapist_or_not_a_user_is_a_400_naming_its_index()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var therapist = await host.CreateUserAsync(MemoryRoles.Therapist);
        var support = await host.CreateUserAsync(MemoryRoles.Support);
        using var admin = host.Admin();

        await (await admin.PutAsJsonAsync($"api/v1/users/{patient}/therapists", new { therapistIds = new[] { therapist, support } }))
            .AssertInvalidAsync("therapistIds[1]");
        await (await admin.PutAsJsonAsync($"api/v1/users/{patient}/therapists", new { therapistIds = new[] { MemoryHost.NewId("nobody") } }))
            .AssertInvalidAsync("therapistIds[0]");
        await (await admin.PutAsJsonAsync($"api/v1/users/{patient}/therapists", new { }))
            .AssertInvalidAsync("therapistIds");
    }

    [Fact]
    public async Task Only_a_patient_gets_therapists_and_an_unknown_patient_is_404()
    {
        var therapist = await host.CreateUserAsync(MemoryRoles.Therapist);
        var otherTherapist = await host.CreateUserAsync(MemoryRoles.Therapist);
        using var admin = host.Admin();
        await (await admin.PutAsJsonAsync($"api/v1/users/{otherTherapist}/therapists", new { therapistIds = new[] { therapist } }))
            .AssertInvalidAsync("patientId");
        Assert.Equal(HttpStatusCode.NotFound,
            (await admin.PutAsJsonAsync($"api/v1/users/{MemoryHost.NewId("nobody")}/therapists", new { therapistIds = new[] { therapist } })).StatusCode);
    }

    [Theory]
    [InlineData(MemoryRoles.Therapist)]
    [InlineData(MemoryRoles.Support)]
    [InlineData(MemoryRoles.Patient)]
    public async Task Only_an_admin_assigns(string role)
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var therapist = await host.CreateUserAsync(MemoryRoles.Therapist);
        var caller = role == MemoryRoles.Patient ? patient : role == MemoryRoles.Therapist ? therapist : MemoryHost.NewId(role);
        using var client = host.As(caller, role);
        using var response = await client.PutAsJsonAsync($"api/v1/users/{patient}/therapists", new { therapistIds = new[] { therapist } });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var asTherapist = host.As(therapist, MemoryRoles.Therapist);
        Assert.Equal(HttpStatusCode.Forbidden, (await asTherapist.GetAsync($"api/v1/users/{patient}")).StatusCode);
    }
}
