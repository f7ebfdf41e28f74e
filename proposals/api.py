"""Community API (DESIGN section 4): comments, proposals, decisions, watches.

Views stay thin: look the object up through proposals.access, validate the
input serializer, call a service, render the output serializer. Service
refusals pass through: the project's exception handler
(skillmatrix/exception_handlers.py) answers 400, 403, 409 or 429.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from proposals import access, selectors, services, throttling
from proposals.models import ProposalStatus
from proposals.serializers import (
    CommentCreateIn,
    CommentEditIn,
    CommentHideIn,
    CommentOut,
    ConflictOut,
    DecisionConflictOut,
    ErrorOut,
    ProposalApproveIn,
    ProposalCreateIn,
    ProposalDetailOut,
    ProposalFilterIn,
    ProposalOut,
    ProposalRejectIn,
    ProposalUndoIn,
    ProposalUpdateIn,
    WatchOut,
)
from proposals.throttling import WriteRateThrottle
from skillmatrix.parsers import JSONParser
from skills.audit import not_audited

# Bodies are JSON (scripts and the comment widget); HTML forms post to the pages.
JSON_ONLY = [JSONParser]


def validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _error(description: str, serializer=ErrorOut) -> OpenApiResponse:
    return OpenApiResponse(serializer, description=description)


BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: messages by field.")
NOT_SIGNED_IN = _error("Not signed in (session or `Authorization: Token <key>`).")
FORBIDDEN = _error("Signed in, but not allowed.")
NOT_FOUND = _error("No such object.")
THROTTLED = _error("Too many requests; retry after the Retry-After header's seconds.")
CONFLICT = _error("The state moved on (closed proposal, or cells changed since base_version).", ConflictOut)


def _change_inputs(changes: list[dict]) -> list[services.ChangeInput]:
    return [services.ChangeInput(**change) for change in changes]


def _proposal_response(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    proposal = access.get_proposal_or_404(pk, selectors.proposal_detail())
    return Response(ProposalDetailOut(proposal, context={"request": request}).data, status=code)


# --- Comments ----------------------------------------------------------------------


@not_audited
class _CommentList(generics.ListAPIView):
    """Comments on one target (a skill or a proposal), oldest first; members post new ones."""

    serializer_class = CommentOut
    parser_classes = JSON_ONLY
    # The comment rate is checked by the INSERT (comment_create with rate=), not by a throttle's query.

    def get_target(self) -> dict:
        """The target as the keyword comments_for and comment_create take (skill= or proposal=)."""
        raise NotImplementedError

    def get_queryset(self):
        return selectors.comments_for(user=self.request.user, **self.get_target())

    @extend_schema(
        request=CommentCreateIn,
        responses={201: CommentOut, 400: BAD_INPUT, 401: NOT_SIGNED_IN, 404: NOT_FOUND, 429: THROTTLED},
    )
    def post(self, request, **kwargs):
        target = self.get_target()
        data = validated(CommentCreateIn, request.data)
        comment = services.comment_create(
            author=request.user, body=data["body"], rate=throttling.rate("comments"), **target
        )
        return Response(CommentOut(comment, context={"request": request}).data, status=status.HTTP_201_CREATED)


class SkillCommentList(_CommentList):
    """Comments on a skill, oldest first. Hidden comments are listed for reviewers only."""

    def get_target(self) -> dict:
        return {"skill": access.get_skill_or_404(self.kwargs["slug"], request=self.request)}


class ProposalCommentList(_CommentList):
    """Comments on a proposal, oldest first. Hidden comments are listed for reviewers only."""

    def get_target(self) -> dict:
        return {"proposal": access.get_proposal_or_404(self.kwargs["pk"])}


@extend_schema(
    methods=["PATCH"],
    request=CommentEditIn,
    responses={200: CommentOut, 400: BAD_INPUT, 401: NOT_SIGNED_IN, 403: FORBIDDEN, 404: NOT_FOUND},
    description=f"Edit your own comment, within {access.COMMENT_EDIT_WINDOW.seconds // 60} minutes of posting it.",
)
@extend_schema(
    methods=["DELETE"],
    request=None,
    responses={204: None, 401: NOT_SIGNED_IN, 403: FORBIDDEN, 404: NOT_FOUND},
    description="Delete your own comment (for good).",
)
@not_audited
@api_view(["PATCH", "DELETE"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def comment_detail(request, pk: int):
    comment = access.get_comment_or_404(pk)
    if request.method == "DELETE":
        services.comment_delete(comment=comment, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
    data = validated(CommentEditIn, request.data)
    comment = services.comment_edit(comment=comment, user=request.user, body=data["body"])
    return Response(CommentOut(comment, context={"request": request}).data)


@extend_schema(
    request=CommentHideIn,
    responses={200: CommentOut, 400: BAD_INPUT, 401: NOT_SIGNED_IN, 403: FORBIDDEN, 404: NOT_FOUND},
    description="Hide a comment from everyone but reviewers (reviewers only), with the reason.",
)
@not_audited
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def comment_hide(request, pk: int):
    comment = access.get_comment_or_404(pk)
    data = validated(CommentHideIn, request.data)
    comment = services.comment_hide(comment=comment, reviewer=request.user, reason=data["reason"])
    return Response(CommentOut(comment, context={"request": request}).data)


# --- Proposals ---------------------------------------------------------------------


class ProposalList(generics.ListAPIView):
    """Proposals, newest first, each with its changes."""

    serializer_class = ProposalOut
    parser_classes = JSON_ONLY
    # An early refusal, before the body is validated; the exact check is the service's (rate=).
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "proposals"

    def get_queryset(self):
        filters = validated(ProposalFilterIn, self.request.query_params)
        return selectors.proposal_list(**filters)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=ProposalStatus.values),
            OpenApiParameter("skill", OpenApiTypes.STR, description="Skill slug."),
            OpenApiParameter("domain", OpenApiTypes.STR, description="Domain slug."),
        ],
        responses={200: ProposalOut(many=True), 400: BAD_INPUT},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ProposalCreateIn,
        responses={
            201: ProposalDetailOut,
            400: BAD_INPUT,
            401: NOT_SIGNED_IN,
            409: CONFLICT,
            429: THROTTLED,
        },
        description="Suggest changes to one or more cells of a skill. "
        "`base_version` is the cell version you edited (0 for a new cell); a mismatch answers 409.",
    )
    def post(self, request):
        data = validated(ProposalCreateIn, request.data)
        proposal = services.proposal_create(
            author=request.user,
            skill=data["skill"],
            rationale=data["rationale"],
            changes=_change_inputs(data["changes"]),
            rate=throttling.rate("proposals"),
        )
        return _proposal_response(request, proposal.pk, status.HTTP_201_CREATED)


class ProposalDetail(generics.RetrieveAPIView):
    """One proposal; each change carries the target cell as it is now."""

    serializer_class = ProposalDetailOut
    parser_classes = JSON_ONLY

    def get_object(self):
        return access.get_proposal_or_404(self.kwargs["pk"], selectors.proposal_detail())

    @extend_schema(
        request=ProposalUpdateIn,
        responses={
            200: ProposalDetailOut,
            400: BAD_INPUT,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        description="The author replaces the changes of an open proposal (e.g. rebased on the current cells) "
        "and, optionally, its rationale.",
    )
    def patch(self, request, pk):
        proposal = access.get_proposal_or_404(pk)
        data = validated(ProposalUpdateIn, request.data)
        services.proposal_update_changes(
            proposal=proposal,
            user=request.user,
            changes=_change_inputs(data["changes"]),
            rationale=data.get("rationale"),
        )
        return _proposal_response(request, pk)


DECISION_RESPONSES = {
    200: ProposalDetailOut,
    400: BAD_INPUT,
    401: NOT_SIGNED_IN,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}
REVIEW_RESPONSES = {
    **DECISION_RESPONSES,
    409: _error(
        "The state moved on: a closed proposal, cells changed since base_version, or the author edited the "
        "proposal after the `revision` you sent (then with what changed since, and the changes now).",
        DecisionConflictOut,
    ),
}


@extend_schema(
    request=ProposalApproveIn,
    responses=REVIEW_RESPONSES,
    description="Apply every change of the proposal (reviewers, not on their own proposal). "
    "If any target cell changed since its base_version, nothing is applied: 409 with the cells. "
    'Send the `revision` of the proposal you reviewed (`{"revision": n}`): if the author edited it since, '
    "nothing is applied and the 409 shows what changed. Without it (an empty body), the proposal is approved "
    "as it reads at that moment, which may not be what you read. An optional `note` is kept with the decision. "
    f"The approval can be undone for {access.undo_window_minutes()} minutes (`POST .../undo/`).",
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def proposal_approve(request, pk: int):
    proposal = access.get_proposal_or_404(pk)
    data = validated(ProposalApproveIn, request.data)
    approval = services.proposal_approval(
        proposal=proposal, reviewer=request.user, revision=data.get("revision"), note=data["note"]
    )
    # The answer shows the proposal and its cells as the approval left them, without reading them again.
    proposal = selectors.decided_detail(proposal=approval.proposal)
    return Response(ProposalDetailOut(proposal, context={"request": request, "changes": approval.changes}).data)


@extend_schema(
    request=ProposalUndoIn,
    responses={
        **DECISION_RESPONSES,
        409: _error(
            "Nothing was undone: the proposal is not approved (or its approval was undone already), the "
            f"{access.undo_window_minutes()} minutes are over, or cells changed since the approval (then with "
            "the cells: `base_version` is the version the approval left, `current_version` the version now).",
            ConflictOut,
        ),
    },
    description=f"Undo an approval within {access.undo_window_minutes()} minutes of it (reviewers, not on their "
    "own proposal): every cell it changed gets its earlier text back and every cell it created is removed, "
    "through the same audited path as any catalog write. The proposal's status becomes `reverted` (closed for "
    "good; suggest the change again to reopen the question). An optional `note` says why.",
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def proposal_undo(request, pk: int):
    proposal = access.get_proposal_or_404(pk)
    data = validated(ProposalUndoIn, request.data)
    services.proposal_undo(proposal=proposal, reviewer=request.user, note=data["note"])
    return _proposal_response(request, pk)


@extend_schema(
    request=ProposalRejectIn,
    responses=REVIEW_RESPONSES,
    description="Reject (reviewers). With the `revision` you reviewed, only if the author has not edited it since.",
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def proposal_reject(request, pk: int):
    proposal = access.get_proposal_or_404(pk)
    data = validated(ProposalRejectIn, request.data)
    services.proposal_reject(
        proposal=proposal,
        reviewer=request.user,
        reason=data["reason"],
        note=data["note"],
        revision=data.get("revision"),
    )
    return _proposal_response(request, pk)


@extend_schema(request=None, responses=DECISION_RESPONSES, description="Withdraw your own open proposal.")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def proposal_withdraw(request, pk: int):
    proposal = access.get_proposal_or_404(pk)
    services.proposal_withdraw(proposal=proposal, user=request.user)
    return _proposal_response(request, pk)


# --- Watches -----------------------------------------------------------------------


@extend_schema(
    request=None,
    responses={200: WatchOut, 401: NOT_SIGNED_IN, 404: NOT_FOUND},
    description="PUT: watch the skill (emails about its proposals). DELETE: stop watching. Both idempotent.",
)
@api_view(["PUT", "DELETE"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def skill_watch(request, slug: str):
    skill = access.get_skill_or_404(slug)
    if request.method == "PUT":
        services.watch_set(user=request.user, skill=skill)
    else:
        services.watch_clear(user=request.user, skill=skill)
    return Response(WatchOut(selectors.watch_summary(skill=skill, user=request.user)).data)
