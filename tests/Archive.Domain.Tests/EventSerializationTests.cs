using System.Text.Json;
using Archive.Domain.Common;
using Archive.Domain.Disposition;
using Archive.Domain.Documents;
using Archive.Domain.Dossiers;
using Archive.Domain.Retention;
using static Archive.Domain.Tests.Samples;

namespace Archive.Domain.Tests;

/// <summary>Events travel as JSON in the store; they must round-trip with plain System.Text.Json.</summary>
public class EventSerializationTests
{
    public static TheoryData<IDomainEvent> Events() =>
    [
        new DossierOpened("000.00.00.H29.2025.01-VP", OrganId, 2025, "01-VP", Dossier()),
        new DocumentRegistered("doc-391", Document()),
        new ContentVersionAdded("doc-391", 1, Sha('a'), 10, "application/pdf", "a.pdf", 1, "1.7", "2B", 300, true, true,
            [new("dpi_too_low", "thấp", "low")]),
        new DestructionProposed("P1", OrganId, [new("X", RecordKind.Dossier, "Hết hạn", "06", 10)], "u", Now),
        new DossierRetentionRaised("X", "01", null, "doc", [new FieldChange("retention", "10 năm", "Vĩnh viễn")]),
    ];

    [Theory]
    [MemberData(nameof(Events))]
    public void events_round_trip_through_json(IDomainEvent @event)
    {
        var json = JsonSerializer.Serialize(@event, @event.GetType());
        var back = (IDomainEvent)JsonSerializer.Deserialize(json, EventTypes.ByName[EventTypes.NameOf(@event)])!;
        JsonSerializer.Serialize(back, back.GetType()).ShouldBe(json);
    }

    [Fact]
    public void a_retention_restored_from_an_event_equals_the_original()
    {
        RetentionCodec.From("07", 5).ShouldBe(RetentionPeriod.OfYears(5));
        RetentionCodec.From("01", null).ShouldBe(RetentionPeriod.Permanent);
    }
}
