using Pixelated.MigrationPipeline.Components.Conversion;

namespace Pixelated.MigrationPipeline.Components.Tests;

public class RoleMapperTests
{
    [Theory]
    [InlineData("user", "user", false)]
    [InlineData("assistant", "assistant", false)]
    [InlineData("ai", "assistant", false)]
    [InlineData("ai_therapist", "assistant", false)]
    [InlineData("system", "system", false)]
    [InlineData("therapist", "user", true)]
    [InlineData("tool", "tool", false)]
    [InlineData("function", "function", false)]
    [InlineData("supervisor", "norole", true)]
    [InlineData(null, "norole", true)]
    public void Source_roles_map_to_zeps_enum_as_the_platform_used_them(string? source, string expected, bool keepsOriginal)
    {
        Assert.Equal(expected, RoleMapper.Map(source, out var keep));
        Assert.Equal(keepsOriginal, keep);
        Assert.Contains(expected, RoleMapper.ZepRoles);
    }
}
