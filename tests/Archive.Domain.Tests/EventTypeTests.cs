using Archive.Domain.Common;
using Archive.Domain.Dossiers;

namespace Archive.Domain.Tests;

public class EventTypeTests
{
    [Fact]
    public void every_event_has_a_unique_versioned_type_name()
    {
        EventTypes.ByName.Count.ShouldBeGreaterThan(20);
        EventTypes.ByName.Keys.ShouldAllBe(name => System.Text.RegularExpressions.Regex.IsMatch(name, @"^[a-z_]+(\.[a-z_]+)+\.v\d+$"));
    }

    [Fact]
    public void the_required_names_are_present()
    {
        EventTypes.NameOf(typeof(DossierOpened)).ShouldBe("dossier.opened.v1");
        EventTypes.ByName.Keys.ShouldContain("access.change.alert.raised.v1");
        EventTypes.ByName.Keys.ShouldContain("destruction.blocked.v1");
    }
}
