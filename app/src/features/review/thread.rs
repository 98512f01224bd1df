//! The review section of a request's page: the comment thread (oldest first) with its form, and
//! the attached documents with the upload form. Shown only to who sees the request.

use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{get_review_thread, PostComment};
use super::types::{AttachmentItem, CommentItem, ReviewThread, UploadOutcome};
use crate::domain::review::AttachmentKind;
use crate::i18n::{td_string, use_i18n, Locale};
use crate::ui::form::invalid;

/// The conversation of the request whose id (as in the URL) `id` gives.
#[component]
pub fn ReviewSection(#[prop(into)] id: Signal<String>) -> impl IntoView {
    let post = crate::ui::form::action::<PostComment>();
    // Reloaded after each comment that went through (the id of the last one).
    let posted = Memo::new(move |_| post.value().get().and_then(Result::ok));
    let data = Resource::new(
        move || (id.get(), posted.get()),
        |(id, _)| get_review_thread(id),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                // Who does not see the request sees no conversation (the page says why).
                data.await.ok().map(|thread| view! { <Conversation thread post/> })
            })}
        </Transition>
    }
}

#[component]
fn Conversation(thread: ReviewThread, post: ServerAction<PostComment>) -> impl IntoView {
    let rid = thread.request_id;
    let may_post = thread.may_post;
    let body_error = move || {
        post.value()
            .get()
            .and_then(Result::err)
            .map(|e| e.field_message("body").unwrap_or_else(|| e.to_string()))
    };
    let i18n = use_i18n();
    view! {
        <section class="card review-thread" aria-labelledby="conversation">
            <h2 id="conversation">{tr(i18n, |l| td_string!(l, review.conversation))}</h2>
            {if thread.comments.is_empty() {
                view! { <p class="muted">{tr(i18n, |l| td_string!(l, review.no_comments))}</p> }.into_any()
            } else {
                view! {
                    <ol class="thread">
                        {thread.comments.into_iter().map(|c| view! { <Comment c/> }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
            {may_post.then(|| view! {
                <ActionForm action=post attr:class="stack">
                    <input type="hidden" name="id" value=rid.to_string()/>
                    <div class="field">
                        <label for="comment-body">{tr(i18n, |l| td_string!(l, review.your_comment))}</label>
                        <textarea id="comment-body" name="body" rows="3" maxlength="5000"
                            aria-invalid=move || invalid(body_error().is_some()) autofocus=move || body_error().is_some()
                            aria-describedby="comment-body-error"></textarea>
                        <p id="comment-body-error" class="field__error" role="alert">{body_error}</p>
                    </div>
                    <button type="submit" class="button">{tr(i18n, |l| td_string!(l, review.send_comment))}</button>
                </ActionForm>
            })}
            {(!may_post).then(|| view! {
                <p class="muted">{tr(i18n, |l| td_string!(l, review.read_only))}</p>
            })}
        </section>
        <Attachments rid attachments=thread.attachments may_post/>
    }
}

#[component]
fn Comment(c: CommentItem) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="comment">
            <p class="comment__meta">
                <strong>{c.author_name}</strong>
                {c.by_reviewer.then(|| view! { " " <span class="badge badge--info">{tr(i18n, |l| td_string!(l, review.reviewer))}</span> })}
                " · " <time title=c.at>{c.when}</time>
            </p>
            <p class="comment__body">{c.body}</p>
        </li>
    }
}

/// The attached documents and, for who may write, the upload form: a plain multipart form posted
/// to `/requests/{id}/attachments`, which sends the browser back here with `?upload=…`.
#[component]
fn Attachments(rid: i64, attachments: Vec<AttachmentItem>, may_post: bool) -> impl IntoView {
    let query = use_query_map();
    let outcome = move || {
        query
            .read()
            .get("upload")
            .and_then(|o| UploadOutcome::parse(&o))
    };
    let i18n = use_i18n();
    let problem = move |field: &'static str| {
        outcome()
            .filter(|o| *o != UploadOutcome::Done && o.field() == field)
            .map(|o| upload_message(i18n.get_locale(), o))
    };
    // The form posts without the wasm and comes back here: focus goes to what its answer says,
    // the success, or the field it refused (which names its message), by `autofocus`.
    view! {
        <section class="card" aria-labelledby="attachments">
            <h2 id="attachments">{tr(i18n, |l| td_string!(l, review.documents))}</h2>
            {if attachments.is_empty() {
                view! { <p class="muted">{tr(i18n, |l| td_string!(l, review.no_documents))}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table stack attachments">
                            <thead>
                                <tr>
                                    <th scope="col">{tr(i18n, |l| td_string!(l, review.document))}</th>
                                    <th scope="col">{tr(i18n, |l| td_string!(l, review.kind))}</th>
                                    <th scope="col">{tr(i18n, |l| td_string!(l, review.size))}</th>
                                    <th scope="col">{tr(i18n, |l| td_string!(l, review.added))}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {attachments.into_iter().map(|a| view! {
                                    <tr>
                                        <td class="attachments__name" data-label=tr(i18n, |l| td_string!(l, review.document))>
                                            <a href=format!("/requests/{rid}/attachments/{}", a.id)
                                                download="" rel="external nofollow">{a.file_name}</a>
                                        </td>
                                        <td data-label=tr(i18n, |l| td_string!(l, review.kind))>{move || a.kind.label_in(i18n.get_locale())}</td>
                                        <td data-label=tr(i18n, |l| td_string!(l, review.size))>{a.size}</td>
                                        <td data-label=tr(i18n, |l| td_string!(l, review.added))>{a.uploader_name} ", " <time title=a.at>{a.when}</time></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            {move || (outcome() == Some(UploadOutcome::Done)).then(|| view! {
                <p class="form__ok" role="status" tabindex="-1" autofocus=true>{move || upload_message(i18n.get_locale(), UploadOutcome::Done)}</p>
            })}
            {may_post.then(|| view! {
                <form class="stack" method="post" enctype="multipart/form-data"
                    action=format!("/requests/{rid}/attachments")>
                    <div class="field">
                        <label for="attach-kind">{tr(i18n, |l| td_string!(l, review.kind_of_document))}</label>
                        <select id="attach-kind" name="kind" autofocus=move || problem("kind").is_some()
                            aria-invalid=move || invalid(problem("kind").is_some()) aria-describedby="attach-kind-error">
                            {AttachmentKind::ALL.iter().map(|k| view! {
                                <option value=k.as_str()>{move || k.label_in(i18n.get_locale())}</option>
                            }).collect_view()}
                        </select>
                        <p id="attach-kind-error" class="field__error" role="alert">{move || problem("kind")}</p>
                    </div>
                    <div class="field">
                        <label for="attach-file">{tr(i18n, |l| td_string!(l, review.pdf_file))}</label>
                        <input id="attach-file" name="file" type="file" accept=".pdf,application/pdf" required autofocus=move || problem("file").is_some()
                            aria-invalid=move || invalid(problem("file").is_some()) aria-describedby="attach-file-error"/>
                        <p id="attach-file-error" class="field__error" role="alert">{move || problem("file")}</p>
                    </div>
                    <button type="submit" class="button">{tr(i18n, |l| td_string!(l, review.attach))}</button>
                </form>
            })}
        </section>
    }
}

/// The sentence for an upload's outcome, in the person's language (the English is
/// `UploadOutcome::message`'s).
fn upload_message(locale: Locale, outcome: UploadOutcome) -> &'static str {
    match outcome {
        UploadOutcome::Done => td_string!(locale, review.upload_done),
        UploadOutcome::NoFile => td_string!(locale, review.upload_no_file),
        UploadOutcome::NotPdf => td_string!(locale, review.upload_not_pdf),
        UploadOutcome::TooLarge => td_string!(locale, review.upload_too_large),
        UploadOutcome::BadKind => td_string!(locale, review.upload_bad_kind),
        UploadOutcome::Unreadable => td_string!(locale, review.upload_unreadable),
    }
}
