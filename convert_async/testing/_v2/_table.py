"""What the fake does for each of the spec's 189 operations, by operationId.

Generic behaviours (list / read / create / update / delete / bulk / clone on a collection) come
from :mod:`._generic`; operations with a behaviour of their own from the area modules
(:mod:`._users`, :mod:`._accounts`, :mod:`._projects`, :mod:`._experiences`, :mod:`._visitors`)
and :mod:`._reports`. A test checks that this table names exactly the spec's operations.
"""

from __future__ import annotations

from . import _accounts as accounts
from . import _experiences as experiences
from . import _projects as projects
from . import _reports as report
from . import _users as users
from . import _visitors as visitors
from ._generic import (
    Handler,
    bulk_delete,
    bulk_update,
    clone,
    create,
    delete,
    listing,
    read,
    update,
)

__all__ = ["BEHAVIOURS", "OPEN_OPERATIONS"]

#: Operations that need no credentials (they start a session or exchange a code for one).
OPEN_OPERATIONS = frozenset(
    {"doAuth", "requestForgotPassword", "confirmPasswordReset", "requestOauthToken"}
)


def _crud(
    collection: str,
    name: str,
    plural: str,
    *,
    by_key: bool = False,
    bulk: bool = True,
    bulk_edit: bool = True,
    cloneable: bool = False,
) -> dict[str, Handler]:
    """The usual operations of a project collection, named the way the spec names them
    (``get<Plural>List``, ``get<Name>``, ``create<Name>``, ...)."""
    table: dict[str, Handler] = {
        f"get{plural}List": listing(collection),
        f"get{name}": read(),
        f"create{name}": create(collection),
        f"update{name}": update(),
        f"delete{name}": delete(collection),
    }
    if by_key:
        table[f"get{name}ByKey"] = read()
    if bulk:
        table[f"bulk{plural}Delete"] = bulk_delete(collection)
    if bulk_edit:
        table[f"bulk{plural}Update"] = bulk_update(collection)
    if cloneable:
        table[f"clone{name}"] = clone(collection)
    return table


BEHAVIOURS: dict[str, Handler] = {
    # cookie sessions, OAuth, the current user
    "doAuth": users.do_auth,
    "requestForgotPassword": users.forgot_password,
    "confirmPasswordReset": users.confirm_password_reset,
    "doLogout": users.logout,
    "getAuthStatus": users.auth_status,
    "requestOauthToken": users.oauth_token,
    "listOauthClients": listing("oauth-clients"),
    "createOauthClient": users.create_oauth_client,
    "updateOauthClient": update(),
    "deleteOauthClient": users.delete_oauth_client,
    "getAccessRoles": listing("access-roles"),
    "getUserData": lambda fake, call: fake.user,
    "updateUserProfileData": users.update_user,
    "confirmEmail": users.confirm_email,
    "updateUserPreferences": users.update_preferences,
    "generateMfaSecret": users.mfa_secret,
    "acceptDemoProject": users.accept_demo_project,
    "listUserSessions": listing("user-sessions"),
    "revokeUserSession": users.revoke_session,
    "revokeAllUserSessions": users.revoke_all_sessions,
    # accounts, billing, AI, collaborators, API keys
    "getAccountsList": listing("accounts"),
    "getBillingPlans": listing("billing-plans"),
    "getAccountLiveData": accounts.live_data,
    "getAccountHistory": accounts.change_history,
    "getAccountActiveCompletedExperiencesList": accounts.account_experiences,
    "getAccountDetails": read(),
    "updateAccountDetails": update(),
    "createSubAccount": accounts.create_sub_account,
    "requestAccountAddons": accounts.request_addons,
    "startPaymentSetup": accounts.payment_setup,
    "getAccountBillingPortal": accounts.billing_portal,
    "BillingPlanSetupUsers": accounts.plan_setup_users,
    "generateTextVariants": accounts.text_variants,
    "generateCodeVariant": accounts.code_variant,
    "getAccountUsersAccessesList": accounts.list_collaborators,
    "updateAccountUserAccesses": accounts.update_collaborator,
    "addAccountUserAccesses": accounts.add_collaborator,
    "deleteAccountUserAccesses": accounts.remove_collaborator,
    "checkPartner": accounts.check_partner,
    "acceptInvitation": accounts.accept_invitation,
    "getApiKeysList": accounts.api_keys,
    "createApiKey": accounts.create_api_key,
    "deleteApiKey": accounts.delete_api_key,
    # visitor insights, SDK keys, visitors data
    "getSessionsList": visitors.sessions_list,
    "getSignalSessionsList": visitors.signal_sessions,
    "deleteSignalSession": delete("signal-sessions"),
    "getSdkKeysList": projects.sdk_keys,
    "createSdkKey": projects.create_sdk_key,
    "updateSdkKey": projects.update_sdk_key,
    "deleteSdkKey": delete("sdk-keys"),
    "getVisitorData": visitors.visitors_list,
    "createVisitorDataItem": visitors.create_visitor,
    "getVisitorDataItem": visitors.visitor,
    "updateVisitorDataItem": visitors.update_visitor,
    "deleteVisitorDataItem": delete("visitors-data"),
    "importVisitorsDataCsv": visitors.import_visitors_csv,
    "pushVisitorsData": visitors.push_visitors,
    "getVisitorsDataPlaceholdersList": listing("placeholders"),
    "createVisitorsDataPlaceholder": create("placeholders"),
    "updateVisitorsDataPlaceholder": update(),
    "deleteVisitorsDataPlaceholder": delete("placeholders"),
    "getVisitorsDataPlaceholder": read(),
    # projects
    "getProjectsList": listing("projects"),
    "getProjectHistory": accounts.change_history,
    "getProject": read(),
    "createProject": create("projects"),
    "updateProject": projects.update_project,
    "deleteProject": delete("projects"),
    "getProjectLiveData": accounts.live_data,
    "bulkUpdateProjects": bulk_update("projects"),
    "generateDebugToken": projects.debug_token,
    "exportProject": projects.export_project,
    "importProject": projects.import_project,
    "importProjectData": projects.import_project_data,
    # domains
    **_crud("domains", "Domain", "Domains", bulk_edit=False),
    "getDomainByUrl": projects.domain_by_url,
    "checkCodeDomain": projects.check_domain_code,
    # experiences
    **_crud("experiences", "Experience", "Experiences", by_key=True, cloneable=True),
    "updateExperience": experiences.update_experience,
    "getReportToken": experiences.report_token,
    "getExperienceLiveData": accounts.live_data,
    "getExperienceHistory": accounts.change_history,
    "triggerExperienceScreenshots": experiences.trigger_screenshots,
    "getExperienceReportSettings": report.report_settings,
    "getExperienceAggregatedReport": report.aggregated_report,
    "getExperienceDailyReport": report.daily_report,
    "getExperienceDailyTrafficAllocation": report.traffic_allocation,
    "resetExperienceReport": report.reset_report,
    "exportExperienceReport": report.export_report,
    "exportExperienceRawData": experiences.raw_data_export,
    "removeExperienceReportData": report.remove_report_data,
    "getExperienceHeatmapBackground": experiences.heatmap_background,
    "getExperienceHeatmapOverlay": experiences.heatmap_overlay,
    "updateExperienceVariation": experiences.update_variation,
    "deleteExperienceVariation": experiences.delete_variation,
    "getExperienceVariationScreenshot": experiences.screenshot,
    "uploadExperienceVariationScreenshot": experiences.upload_screenshot,
    "convertExperienceVariation": experiences.convert_variation,
    "getExperienceChange": experiences.get_change,
    "updateExperienceChange": experiences.update_change,
    "getSections": experiences.sections,
    "createSection": experiences.create_section,
    "updateSection": experiences.update_section,
    "updateExperienceSections": experiences.replace_sections,
    "addExperienceSectionVersion": experiences.add_version,
    "updateExperienceSectionVersion": experiences.update_version,
    "deleteExperienceSectionVersion": experiences.delete_version,
    # images and files
    "getCdnImagesList": projects.images_list,
    "uploadCdnImage": projects.upload_image,
    "deleteCdnImage": projects.delete_upload("images", "image_key"),
    "uploadFile": projects.upload_file,
    "getFile": projects.get_file,
    "deleteFile": projects.delete_upload("files", "file_key"),
    # the rest of a project's objects
    **_crud("goals", "Goal", "Goals", by_key=True, cloneable=True),
    **_crud("tags", "Tag", "Tags", bulk_edit=False),
    **_crud("hypotheses", "Hypothesis", "Hypotheses"),
    "updateHypothesisStatus": update(),
    "convertHypothesis": projects.convert_hypothesis,
    **_crud("knowledge-bases", "KnowledgeBase", "KnowledgeBases"),
    **_crud("observations", "Observation", "Observations"),
    **_crud("locations", "Location", "Locations", cloneable=True),
    "getLocationsPresets": projects.presets("locations-presets"),
    **_crud("audiences", "Audience", "Audiences", cloneable=True),
    "getAudiencesPresets": projects.presets("audiences-presets"),
    **_crud("features", "Feature", "Features", by_key=True),
}
