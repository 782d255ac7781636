using System.Security.Claims;
using Archive.Api.Features.Records;
using Archive.Api.Infrastructure.Auth;
using Archive.Domain.Common;

namespace Archive.Api.Features.Disposition;

/// <summary>
/// Who may do what in retention, holds and disposition. The archive has five roles and no separate council or
/// head-of-agency role, so the domain's permissions are mapped onto them here, in one place:
/// holds (phong tỏa) → legal and admin; valuation-council opinions (ý kiến hội đồng) → records officers, legal and
/// admin; signing the destruction decision (người đứng đầu cơ quan) → admin only.
/// </summary>
public static class DispositionAccess
{
    public static readonly string[] HoldManagers = [Roles.Legal, Roles.Admin];
    public static readonly string[] CouncilMembers = [Roles.RecordsOfficer, Roles.Legal, Roles.Admin];
    public static readonly string[] HeadOfAgency = [Roles.Admin];
    /// <summary>The review list and the destruction files: records writers, legal and auditors (auditors only read).</summary>
    public static readonly string[] Readers = [Roles.RecordsOfficer, Roles.Legal, Roles.Auditor, Roles.Admin];

    /// <summary>The decision context with the domain permissions the caller's role carries.</summary>
    public static DecisionContext Context(HttpContext http, TimeProvider clock)
    {
        var baseContext = RecordsRepository.Context(http, clock);
        var permissions = new HashSet<string>(baseContext.Actor.Permissions, StringComparer.Ordinal);
        if (InAny(http.User, HoldManagers)) permissions.Add(Permissions.ManageHolds);
        if (InAny(http.User, CouncilMembers)) permissions.Add(Permissions.ValuationCouncilMember);
        if (InAny(http.User, HeadOfAgency)) permissions.Add(Permissions.SignDestructionDecision);
        return baseContext with { Actor = baseContext.Actor with { Permissions = permissions } };
    }

    private static bool InAny(ClaimsPrincipal user, IEnumerable<string> roles) => roles.Any(user.IsInRole);
}
