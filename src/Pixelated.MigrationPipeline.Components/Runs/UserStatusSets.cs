using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>The groups of user statuses the dispatcher, the roll-up, the report and run control reason about, named once.</summary>
public static class UserStatusSets
{
    /// <summary>Dispatched and not yet final: holding one of the run's slots.</summary>
    public static readonly UserStatus[] InFlight = [UserStatus.Queued, UserStatus.Migrating, UserStatus.Migrated];

    /// <summary>Final for this run: nothing more will happen to the user unless an operator retries or revalidates.</summary>
    public static readonly UserStatus[] Settled =
        [UserStatus.Verified, UserStatus.Mismatched, UserStatus.Failed, UserStatus.Skipped, UserStatus.Planned, UserStatus.Cancelled];

    /// <summary>Not yet final: every status that is not <see cref="Settled"/> (named, so that queries can seek them in the status index).</summary>
    public static readonly UserStatus[] Open = Enum.GetValues<UserStatus>().Except(Settled).ToArray();

    /// <summary>Written to Zep (at least partly): what validation can read back.</summary>
    public static readonly UserStatus[] Written = [UserStatus.Verified, UserStatus.Mismatched, UserStatus.Failed, UserStatus.Migrated];
}
