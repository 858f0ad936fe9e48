namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// One good row of a users file: the mem0 user, the Zep user it migrates to and the profile Zep gets. Values are trimmed;
/// an absent or empty value is null. <see cref="Role"/> is one of <see cref="PlatformRoles.All"/>.
/// </summary>
/// <param name="Row">
/// Where the row is in the file: for a CSV file the spreadsheet row number (the header is row 1, the first data row 2; a
/// row whose quoted value spans several lines counts once, a blank line counts as a row); for a JSON file the 1-based
/// position of the user in the array.
/// </param>
/// <param name="ZepUserId">The Zep user id; null when the mem0 user id is used as the Zep user id.</param>
public sealed record UserProfileRow(int Row, string Mem0UserId, string? ZepUserId, string? Email, string? FirstName, string? LastName, string? Role)
{
    /// <summary>The Zep user this mem0 user migrates to: <see cref="ZepUserId"/>, or the mem0 user id when there is none.</summary>
    public string TargetZepUserId => ZepUserId ?? Mem0UserId;
}
