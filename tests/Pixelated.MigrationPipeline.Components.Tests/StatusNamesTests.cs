using System.Text.Json;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>The one vocabulary of statuses: snake_case on every interface, for every status the ledger knows.</summary>
public sealed class StatusNamesTests
{
    [Theory]
    [InlineData(RunStatus.Completed, "completed")]
    [InlineData(RunStatus.CompletedWithErrors, "completed_with_errors")]
    [InlineData(RunStatus.DryRunCompleted, "dry_run_completed")]
    [InlineData(RunStatus.Paused, "paused")]
    [InlineData(RunStatus.Interrupted, "interrupted")]
    public void Run_statuses_have_snake_case_wire_names(RunStatus status, string wire)
    {
        Assert.Equal(wire, StatusNames.ToWire(status));
        Assert.True(StatusNames.TryParse<RunStatus>(wire, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Fact]
    public void User_item_and_write_unit_statuses_are_their_lower_case_names()
    {
        Assert.Equal(["staged", "queued", "migrating", "migrated", "verified", "mismatched", "failed", "skipped", "planned", "cancelled"], StatusNames.All<UserStatus>());
        Assert.Equal(["staged", "migrated", "skipped", "failed"], StatusNames.All<ItemStatus>());
        Assert.Equal(["pending", "sent", "confirmed", "failed"], StatusNames.All<WriteState>());
    }

    [Theory]
    [InlineData("verified", true)]
    [InlineData("Verified", true)]
    [InlineData("VERIFIED", true)]
    [InlineData("4", false)]
    [InlineData("exploded", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_wire_name_parses_whatever_its_case_and_a_number_never_does(string? wire, bool parses) =>
        Assert.Equal(parses, StatusNames.TryParse<UserStatus>(wire, out _));

    [Fact]
    public void Json_shows_statuses_by_their_wire_names_and_refuses_numbers()
    {
        var options = new JsonSerializerOptions { Converters = { StatusNames.JsonConverter() } };

        Assert.Equal("\"completed_with_errors\"", JsonSerializer.Serialize(RunStatus.CompletedWithErrors, options));
        Assert.Equal(WriteState.Confirmed, JsonSerializer.Deserialize<WriteState>("\"confirmed\"", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunStatus>("3", options));
    }
}
