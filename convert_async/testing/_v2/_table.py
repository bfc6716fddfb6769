"""What the fake does for each of the spec's 189 operations, by operationId.

Generic behaviours (list / read / create / update / delete / bulk / clone on a collection) come
from :mod:`._generic`; operations with a behaviour of their own from :mod:`._areas` and
:mod:`._reports`. A test checks that this table names exactly the spec's operations.
"""

from __future__ import annotations

from . import _areas as area
from . import _reports as report
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
    "doAuth": area.do_auth,
    "requestForgotPassword": area.forgot_password,
    "confirmPasswordReset": area.confirm_password_reset,
    "doLogout": area.logout,
    "getAuthStatus": area.auth_status,
    "requestOauthToken": area.oauth_token,
    "listOauthClients": listing("oauth-clients"),
    "createOauthClient": area.create_oauth_client,
    "updateOauthClient": update(),
    "deleteOauthClient": area.delete_oauth_client,
    "getAccessRoles": listing("access-roles"),
    "getUserData": lambda fake, call: fake.user,
    "updateUserProfileData": area.update_user,
    "confirmEmail": area.confirm_email,
    "updateUserPreferences": area.update_preferences,
    "generateMfaSecret": area.mfa_secret,
    "acceptDemoProject": area.accept_demo_project,
    "listUserSessions": listing("user-sessions"),
    "revokeUserSession": area.revoke_session,
    "revokeAllUserSessions": area.revoke_all_sessions,
    # accounts, billing, AI, collaborators, API keys
    "getAccountsList": listing("accounts"),
    "getBillingPlans": listing("billing-plans"),
    "getAccountLiveData": area.live_data,
    "getAccountHistory": area.change_history,
    "getAccountActiveCompletedExperiencesList": area.account_experiences,
    "getAccountDetails": read(),
    "updateAccountDetails": update(),
    "createSubAccount": area.create_sub_account,
    "requestAccountAddons": area.request_addons,
    "startPaymentSetup": area.payment_setup,
    "getAccountBillingPortal": area.billing_portal,
    "BillingPlanSetupUsers": area.plan_setup_users,
    "generateTextVariants": area.text_variants,
    "generateCodeVariant": area.code_variant,
    "getAccountUsersAccessesList": area.list_collaborators,
    "updateAccountUserAccesses": area.update_collaborator,
    "addAccountUserAccesses": area.add_collaborator,
    "deleteAccountUserAccesses": area.remove_collaborator,
    "checkPartner": area.check_partner,
    "acceptInvitation": area.accept_invitation,
    "getApiKeysList": area.api_keys,
    "createApiKey": area.create_api_key,
    "deleteApiKey": area.delete_api_key,
    # visitor insights, SDK keys, visitors data
    "getSessionsList": area.sessions_list,
    "getSignalSessionsList": area.signal_sessions,
    "deleteSignalSession": delete("signal-sessions"),
    "getSdkKeysList": area.sdk_keys,
    "createSdkKey": area.create_sdk_key,
    "updateSdkKey": area.update_sdk_key,
    "deleteSdkKey": delete("sdk-keys"),
    "getVisitorData": area.visitors_list,
    "createVisitorDataItem": area.create_visitor,
    "getVisitorDataItem": area.visitor,
    "updateVisitorDataItem": area.update_visitor,
    "deleteVisitorDataItem": delete("visitors-data"),
    "importVisitorsDataCsv": area.import_visitors_csv,
    "pushVisitorsData": area.push_visitors,
    "getVisitorsDataPlaceholdersList": listing("placeholders"),
    "createVisitorsDataPlaceholder": create("placeholders"),
    "updateVisitorsDataPlaceholder": update(),
    "deleteVisitorsDataPlaceholder": delete("placeholders"),
    "getVisitorsDataPlaceholder": read(),
    # projects
    "getProjectsList": listing("projects"),
    "getProjectHistory": area.change_history,
    "getProject": read(),
    "createProject": create("projects"),
    "updateProject": area.update_project,
    "deleteProject": delete("projects"),
    "getProjectLiveData": area.live_data,
    "bulkUpdateProjects": bulk_update("projects"),
    "generateDebugToken": area.debug_token,
    "exportProject": area.export_project,
    "importProject": area.import_project,
    "importProjectData": area.import_project_data,
    # domains
    **_crud("domains", "Domain", "Domains", bulk_edit=False),
    "getDomainByUrl": area.domain_by_url,
    "checkCodeDomain": area.check_domain_code,
    # experiences
    **_crud("experiences", "Experience", "Experiences", by_key=True, cloneable=True),
    "updateExperience": area.update_experience,
    "getReportToken": area.report_token,
    "getExperienceLiveData": area.live_data,
    "getExperienceHistory": area.change_history,
    "triggerExperienceScreenshots": area.trigger_screenshots,
    "getExperienceReportSettings": report.report_settings,
    "getExperienceAggregatedReport": report.aggregated_report,
    "getExperienceDailyReport": report.daily_report,
    "getExperienceDailyTrafficAllocation": report.traffic_allocation,
    "resetExperienceReport": report.reset_report,
    "exportExperienceReport": report.export_report,
    "exportExperienceRawData": area.raw_data_export,
    "removeExperienceReportData": report.remove_report_data,
    "getExperienceHeatmapBackground": area.heatmap_background,
    "getExperienceHeatmapOverlay": area.heatmap_overlay,
    "updateExperienceVariation": area.update_variation,
    "deleteExperienceVariation": area.delete_variation,
    "getExperienceVariationScreenshot": area.screenshot,
    "uploadExperienceVariationScreenshot": area.upload_screenshot,
    "convertExperienceVariation": area.convert_variation,
    "getExperienceChange": area.get_change,
    "updateExperienceChange": area.update_change,
    "getSections": area.sections,
    "createSection": area.create_section,
    "updateSection": area.update_section,
    "updateExperienceSections": area.replace_sections,
    "addExperienceSectionVersion": area.add_version,
    "updateExperienceSectionVersion": area.update_version,
    "deleteExperienceSectionVersion": area.delete_version,
    # images and files
    "getCdnImagesList": area.images_list,
    "uploadCdnImage": area.upload_image,
    "deleteCdnImage": area.delete_upload("images", "image_key"),
    "uploadFile": area.upload_file,
    "getFile": area.get_file,
    "deleteFile": area.delete_upload("files", "file_key"),
    # the rest of a project's objects
    **_crud("goals", "Goal", "Goals", by_key=True, cloneable=True),
    **_crud("tags", "Tag", "Tags", bulk_edit=False),
    **_crud("hypotheses", "Hypothesis", "Hypotheses"),
    "updateHypothesisStatus": update(),
    "convertHypothesis": area.convert_hypothesis,
    **_crud("knowledge-bases", "KnowledgeBase", "KnowledgeBases"),
    **_crud("observations", "Observation", "Observations"),
    **_crud("locations", "Location", "Locations", cloneable=True),
    "getLocationsPresets": area.presets("locations-presets"),
    **_crud("audiences", "Audience", "Audiences", cloneable=True),
    "getAudiencesPresets": area.presets("audiences-presets"),
    **_crud("features", "Feature", "Features", by_key=True),
}
